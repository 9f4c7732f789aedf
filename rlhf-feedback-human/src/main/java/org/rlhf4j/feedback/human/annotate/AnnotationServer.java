package org.rlhf4j.feedback.human.annotate;

import static java.util.Objects.requireNonNull;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.rlhf4j.api.annotation.AnnotationApp;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The annotation web app on Javalin (Jetty 12), over HTTP on loopback or HTTPS anywhere ({@link ServerOptions}).
 * The page ({@code /} and its scripts and style) holds no data; everything under {@code /api/} needs
 * {@code Authorization: Bearer <token>} ({@link Authentication}); the annotator's routes are
 * {@link AnnotatorRoutes}, the lead's {@link AdminRoutes}.
 *
 * <p>Limits: a body over {@value #MAX_REQUEST_BYTES} bytes gets 413, request headers over
 * {@value #MAX_HEADER_BYTES} bytes 431, an idle connection is closed after {@value #IDLE_TIMEOUT_MS} ms, and each
 * token is rate limited (429 with {@code Retry-After}). Every response carries a Content-Security-Policy that
 * allows only the page's own script and style files (no inline script, no framing), {@code X-Content-Type-Options:
 * nosniff}, {@code Referrer-Policy: no-referrer} and {@code Cache-Control: no-store}, and over HTTPS
 * {@code Strict-Transport-Security}. Each request is logged at
 * INFO with its method, path, status and the caller's name, never a token.
 */
public final class AnnotationServer implements AnnotationApp.Server {
    /** The largest request body accepted. */
    public static final int MAX_REQUEST_BYTES = 64 * 1024;
    /** The largest request line and headers accepted. */
    public static final int MAX_HEADER_BYTES = 8 * 1024;
    /** How long an idle connection is kept. */
    public static final int IDLE_TIMEOUT_MS = 30_000;

    private static final Logger LOG = LoggerFactory.getLogger(AnnotationServer.class);
    private static final String PAGE = "/org/rlhf4j/feedback/human/annotate/page/";
    private static final String SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
            + "connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
    private static final Map<String, String> ASSETS = Map.of(
            "/", "index.html", "/app.js", "app.js", "/api-client.js", "api-client.js", "/labelling.js", "labelling.js",
            "/dashboard.js", "dashboard.js", "/app.css", "app.css");

    private final AnnotationStore store;
    private final Javalin app;
    private final ServerOptions options;

    private AnnotationServer(AnnotationStore store, Javalin app, ServerOptions options) {
        this.store = store;
        this.app = app;
        this.options = options;
    }

    /** Serves {@code store} over plain HTTP on {@code host}:{@code port} (loopback, or see {@link ServerOptions#checkBind}). */
    public static AnnotationServer start(AnnotationStore store, String host, int port) {
        return start(store, ServerOptions.http(host, port));
    }

    /**
     * Serves {@code store} as {@code options} say; closing the server closes the store.
     *
     * @throws IllegalArgumentException when plain HTTP off loopback is not allowed, or the TLS keystore is unusable
     */
    public static AnnotationServer start(AnnotationStore store, ServerOptions options) {
        requireNonNull(store, "store is null");
        requireNonNull(options, "options is null");
        Optional<String> warning = options.checkBind();
        Optional<SslContextFactory.Server> tls = options.tls().map(TlsKeystore::contextFactory);
        Authentication authentication = new Authentication(store, new RateLimiter(options.rateLimit()));
        AnnotatorRoutes annotator = new AnnotatorRoutes(store);
        AdminRoutes admin = new AdminRoutes(store);
        Javalin app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.http.maxRequestSize = MAX_REQUEST_BYTES;
            config.jetty.addConnector((server, http) -> connector(server, http, options, tls));
            config.requestLogger.http(AnnotationServer::log);
            config.routes.before(AnnotationServer::securityHeaders);
            config.routes.before("/api/*", authentication::check);
            ASSETS.forEach((path, asset) -> config.routes.get(path, ctx -> asset(ctx, asset)));
            config.routes.get("/api/me", annotator::me);
            config.routes.get("/api/next", annotator::next);
            config.routes.get("/api/assigned", annotator::assigned);
            config.routes.get("/api/pairs/{id}", annotator::pair);
            config.routes.get("/api/pairs/{id}/history", annotator::history);
            config.routes.post("/api/pairs/{id}/withdraw", annotator::withdraw);
            config.routes.get("/api/labels", annotator::labels);
            config.routes.post("/api/labels", annotator::label);
            config.routes.post("/api/undo", annotator::undo);
            config.routes.get("/api/admin/progress", admin::progress);
            config.routes.exception(RequestException.class, (e, ctx) -> Replies.error(ctx, e.status(), e.getMessage()));
            config.routes.exception(HttpResponseException.class, (e, ctx) -> Replies.error(ctx, e.getStatus(),
                    e.getStatus() == 413 ? "the request body is over " + MAX_REQUEST_BYTES + " bytes" : e.getMessage()));
            config.routes.exception(Exception.class, (e, ctx) -> {
                LOG.error("annotation app: {} {} failed", ctx.method(), ctx.path(), e);
                Replies.error(ctx, 500, "the server failed: " + e.getMessage());
            });
        });
        app.start();
        warning.ifPresent(text -> LOG.warn("annotation app: {}", text));
        AnnotationServer started = new AnnotationServer(store, app, options);
        LOG.info("annotation app: serving {} on {}", store.file(), started.url());
        return started;
    }

    @Override
    public int port() {
        return app.port();
    }

    /** {@code https} or {@code http}. */
    public String scheme() {
        return options.scheme();
    }

    /** The page's address, e.g. {@code https://127.0.0.1:8443/}. */
    public String url() {
        String host = options.host().contains(":") ? "[" + options.host() + "]" : options.host();
        return scheme() + "://" + host + ":" + port() + "/";
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

    private static ServerConnector connector(Server server, HttpConfiguration http, ServerOptions options,
            Optional<SslContextFactory.Server> tls) {
        http.setRequestHeaderSize(MAX_HEADER_BYTES);
        http.setSendServerVersion(false);
        ServerConnector connector;
        if (tls.isPresent()) {
            HttpConfiguration https = new HttpConfiguration(http);
            https.addCustomizer(new SecureRequestCustomizer());
            connector = new ServerConnector(server, new SslConnectionFactory(tls.get(), "http/1.1"), new HttpConnectionFactory(https));
        }
        else {
            connector = new ServerConnector(server, new HttpConnectionFactory(http));
        }
        connector.setHost(options.host());
        connector.setPort(options.port());
        connector.setIdleTimeout(IDLE_TIMEOUT_MS);
        return connector;
    }

    private static void securityHeaders(Context ctx) {
        ctx.header("Content-Security-Policy", SECURITY_POLICY);
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("Referrer-Policy", "no-referrer");
        ctx.header("X-Frame-Options", "DENY");
        ctx.header("Cache-Control", "no-store");
        if (ctx.req().isSecure()) {
            ctx.header("Strict-Transport-Security", "max-age=31536000"); // browsers keep to HTTPS for a year
        }
    }

    /** One line per request: never the token (it travels only in the Authorization header, which is not logged). */
    private static void log(Context ctx, Float millis) {
        LOG.info("{} {} -> {} ({}, {} ms)", ctx.method(), ctx.path(), ctx.statusCode(),
                Authentication.known(ctx).map(Annotator::name).orElse("-"), Math.round(millis));
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
}
