package org.rlhf4j.feedback.human.annotate;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.rlhf4j.api.annotation.AnnotationApp;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The annotation web app on Javalin (Jetty 12). The page ({@code /}, {@code /app.js}, {@code /app.css}) holds
 * no data; everything under {@code /api/} needs {@code Authorization: Bearer <token>}:
 *
 * <ul>
 *   <li>{@code GET /api/me}: who the token belongs to, and their progress</li>
 *   <li>{@code GET /api/next}: the next pair assigned to the caller that they have not labelled ({@code pair}
 *       null when done), and their progress</li>
 *   <li>{@code GET /api/labels}: the caller's own labels (never anyone else's)</li>
 *   <li>{@code POST /api/labels}: a label (see {@link LabelRequest}): 201 when stored and durable, 200 when the
 *       same label was already stored (a retry), 409 when the caller labelled that pair differently, 403 for a
 *       pair not assigned to them</li>
 *   <li>{@code GET /api/admin/progress}: admins only: every annotator's progress and the agreement</li>
 * </ul>
 *
 * A request without a valid token gets 401 and reads or changes nothing; a body over {@value #MAX_REQUEST_BYTES}
 * bytes gets 413, a malformed one 400 naming the problem, a non-JSON one 415. Every response forbids inline
 * scripts and framing (Content-Security-Policy) and the page renders every text with {@code textContent}.
 */
public final class AnnotationServer implements AnnotationApp.Server {
    /** The largest request body accepted. */
    public static final int MAX_REQUEST_BYTES = 64 * 1024;

    private static final Logger LOG = LoggerFactory.getLogger(AnnotationServer.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PAGE = "/org/rlhf4j/feedback/human/annotate/page/";
    private static final String SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
            + "connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
    private static final Map<String, String> ASSETS = Map.of(
            "/", "index.html", "/app.js", "app.js", "/app.css", "app.css");

    private final AnnotationStore store;
    private final Javalin app;

    private AnnotationServer(AnnotationStore store, Javalin app) {
        this.store = store;
        this.app = app;
    }

    /** Serves {@code store} on {@code host}:{@code port} (0: any free port); closing the server closes the store. */
    public static AnnotationServer start(AnnotationStore store, String host, int port) {
        requireNonNull(store, "store is null");
        requireNonNull(host, "host is null");
        Handlers handlers = new Handlers(store);
        Javalin app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.http.maxRequestSize = MAX_REQUEST_BYTES;
            config.routes.before(ctx -> {
                ctx.header("Content-Security-Policy", SECURITY_POLICY);
                ctx.header("X-Content-Type-Options", "nosniff");
                ctx.header("Referrer-Policy", "no-referrer");
                ctx.header("Cache-Control", "no-store");
            });
            config.routes.before("/api/*", handlers::authenticate);
            ASSETS.forEach((path, asset) -> config.routes.get(path, ctx -> asset(ctx, asset)));
            config.routes.get("/api/me", handlers::me);
            config.routes.get("/api/next", handlers::next);
            config.routes.get("/api/labels", handlers::labels);
            config.routes.post("/api/labels", handlers::submit);
            config.routes.get("/api/admin/progress", handlers::progress);
            config.routes.exception(RequestException.class, (e, ctx) -> error(ctx, e.status(), e.getMessage()));
            config.routes.exception(HttpResponseException.class, (e, ctx) -> error(ctx, e.getStatus(),
                    e.getStatus() == 413 ? "the request body is over " + MAX_REQUEST_BYTES + " bytes" : e.getMessage()));
            config.routes.exception(Exception.class, (e, ctx) -> {
                LOG.error("annotation app: {} {} failed", ctx.method(), ctx.path(), e);
                error(ctx, 500, "the server failed: " + e.getMessage());
            });
        });
        app.start(host, port);
        return new AnnotationServer(store, app);
    }

    @Override
    public int port() {
        return app.port();
    }

    @Override
    public void close() {
        try {
            app.stop();
        }
        finally {
            store.close();
        }
    }

    private static void asset(Context ctx, String name) throws IOException {
        try (InputStream in = AnnotationServer.class.getResourceAsStream(PAGE + name)) {
            if (in == null) {
                throw new IllegalStateException("the page asset " + name + " is missing from the jar");
            }
            String type = name.endsWith(".js") ? "text/javascript" : name.endsWith(".css") ? "text/css" : "text/html";
            ctx.contentType(type + "; charset=utf-8").result(in.readAllBytes());
        }
    }

    static void error(Context ctx, int status, String message) {
        ObjectNode body = JsonNodeFactory.instance.objectNode().put("error", message);
        if (status == 401) {
            ctx.header("WWW-Authenticate", "Bearer");
        }
        ctx.status(status).contentType("application/json").result(body.toString());
    }

    /** The route handlers, over one store. */
    private static final class Handlers {
        private static final String CALLER = "annotator";

        private final AnnotationStore store;

        Handlers(AnnotationStore store) {
            this.store = store;
        }

        void authenticate(Context ctx) {
            String header = ctx.header("Authorization");
            String token = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).trim() : null;
            Optional<Annotator> caller = store.authenticate(token);
            if (caller.isEmpty()) {
                throw new RequestException(401, token == null ? "missing 'Authorization: Bearer <token>'" : "invalid token");
            }
            ctx.attribute(CALLER, caller.get());
        }

        void me(Context ctx) {
            Annotator caller = ctx.attribute(CALLER);
            ObjectNode body = JsonNodeFactory.instance.objectNode();
            body.put("name", caller.name());
            body.put("role", caller.role().name().toLowerCase(Locale.ROOT));
            if (caller.role() == Role.ANNOTATOR) {
                body.set("progress", progress(caller));
            }
            json(ctx, 200, body);
        }

        void next(Context ctx) {
            Annotator caller = annotator(ctx);
            Set<String> done = labelled(caller);
            ObjectNode body = JsonNodeFactory.instance.objectNode();
            Optional<Pair> next = store.assignedTo(caller.name()).stream().filter(id -> !done.contains(id)).findFirst()
                    .flatMap(store::pair);
            if (next.isPresent()) {
                ObjectNode pair = body.putObject("pair");
                pair.put("id", next.get().id());
                pair.put("prompt", next.get().prompt());
                pair.put("response_a", next.get().responseA());
                pair.put("response_b", next.get().responseB());
            }
            else {
                body.putNull("pair");
            }
            body.set("progress", progress(caller));
            json(ctx, 200, body);
        }

        void labels(Context ctx) {
            Annotator caller = annotator(ctx);
            ArrayNode body = JsonNodeFactory.instance.arrayNode();
            store.labelsOf(caller.name()).forEach(label -> body.add(LabelJson.of(label)));
            json(ctx, 200, body);
        }

        void submit(Context ctx) {
            Annotator caller = annotator(ctx);
            String type = ctx.contentType();
            if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
                throw new RequestException(415, "a label is sent as Content-Type: application/json");
            }
            Label label = LabelRequest.parse(ctx.body(), caller.name());
            if (store.pair(label.pairId()).isEmpty()) {
                throw new RequestException(404, "no pair with id '" + label.pairId() + "'");
            }
            if (!store.assignedTo(caller.name()).contains(label.pairId())) {
                throw new RequestException(403, "pair '" + label.pairId() + "' is not assigned to " + caller.name());
            }
            AnnotationStore.Submission submission = store.submit(label);
            ObjectNode body = JsonNodeFactory.instance.objectNode();
            body.put("outcome", submission.outcome().name().toLowerCase(Locale.ROOT));
            body.set("label", LabelJson.of(submission.label()));
            body.set("progress", progress(caller));
            int status = switch (submission.outcome()) {
                case STORED -> 201;
                case ALREADY_STORED -> 200;
                case CONFLICT -> 409;
            };
            if (submission.outcome() == AnnotationStore.Outcome.CONFLICT) {
                body.put("error", "you already labelled pair '" + label.pairId() + "' differently; labels are final");
            }
            json(ctx, status, body);
        }

        void progress(Context ctx) {
            Annotator caller = ctx.attribute(CALLER);
            if (caller.role() != Role.ADMIN) {
                throw new RequestException(403, "progress and agreement are for admin tokens");
            }
            Map<String, Long> counts = store.labelCounts();
            ObjectNode body = JsonNodeFactory.instance.objectNode();
            body.put("pairs", store.pairs().size());
            body.put("annotators_per_pair", store.annotatorsPerPair());
            ArrayNode annotators = body.putArray("annotators");
            for (String name : store.annotators()) {
                annotators.addObject().put("name", name).put("assigned", store.assignedTo(name).size())
                        .put("labelled", counts.getOrDefault(name, 0L));
            }
            body.set("agreement", AgreementJson.of(store.labels()));
            json(ctx, 200, body);
        }

        private Annotator annotator(Context ctx) {
            Annotator caller = ctx.attribute(CALLER);
            if (caller.role() != Role.ANNOTATOR) {
                throw new RequestException(403, "admin tokens do not label; use an annotator token");
            }
            return caller;
        }

        private Set<String> labelled(Annotator caller) {
            Set<String> done = new HashSet<>();
            store.labelsOf(caller.name()).forEach(label -> done.add(label.pairId()));
            return done;
        }

        private ObjectNode progress(Annotator caller) {
            List<String> assigned = store.assignedTo(caller.name());
            Set<String> done = labelled(caller);
            long labelled = assigned.stream().filter(done::contains).count();
            return JsonNodeFactory.instance.objectNode().put("assigned", assigned.size()).put("labelled", labelled);
        }

        private static void json(Context ctx, int status, Object body) {
            try {
                ctx.status(status).contentType("application/json").result(JSON.writeValueAsString(body));
            }
            catch (JsonProcessingException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
