package org.rlhf4j.feedback.human.annotate;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * What an annotator does: see their progress, get the next pair, revisit any of their pairs, label, relabel,
 * withdraw and undo. Every route reads or changes only the caller's own labels.
 *
 * <p>A change answers 201 when it was appended to the history, 200 when nothing changed (the same label again, or
 * a retry whose {@code Idempotency-Key} was already applied), 409 when that key was used for a different change.
 */
final class AnnotatorRoutes {
    /** The request header carrying the client's id of a change (a retry sends the same). */
    static final String IDEMPOTENCY_KEY = "Idempotency-Key";

    private final AnnotationStore store;

    AnnotatorRoutes(AnnotationStore store) {
        this.store = requireNonNull(store, "store is null");
    }

    /** {@code GET /api/me}: who the token belongs to, and their progress. */
    void me(Context ctx) {
        Annotator caller = Authentication.caller(ctx);
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("name", caller.name());
        body.put("role", caller.role().name().toLowerCase(Locale.ROOT));
        if (caller.role() == Role.ANNOTATOR) {
            body.set("progress", progress(caller));
        }
        Replies.json(ctx, 200, body);
    }

    /** {@code GET /api/next}: the first assigned pair without a label ({@code pair} null when done). */
    void next(Context ctx) {
        Annotator caller = Authentication.annotator(ctx);
        Set<String> done = labelled(caller);
        List<String> assigned = store.assignedTo(caller.name());
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        Optional<String> next = assigned.stream().filter(id -> !done.contains(id)).findFirst();
        if (next.isPresent()) {
            body.set("pair", pairJson(store.pair(next.get()).orElseThrow()));
            body.put("position", assigned.indexOf(next.get()));
        }
        else {
            body.putNull("pair");
        }
        body.set("progress", progress(assigned, done));
        Replies.json(ctx, 200, body);
    }

    /** {@code GET /api/assigned}: the caller's pairs in labelling order, each with whether it is labelled. */
    void assigned(Context ctx) {
        Annotator caller = Authentication.annotator(ctx);
        Set<String> done = labelled(caller);
        List<String> assigned = store.assignedTo(caller.name());
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        ArrayNode pairs = body.putArray("pairs");
        assigned.forEach(id -> pairs.addObject().put("id", id).put("labelled", done.contains(id)));
        body.set("progress", progress(assigned, done));
        Replies.json(ctx, 200, body);
    }

    /** {@code GET /api/pairs/{id}}: one of the caller's pairs, with their current label and how often it changed. */
    void pair(Context ctx) {
        Annotator caller = Authentication.annotator(ctx);
        Pair pair = reachable(caller, ctx.pathParam("id"));
        List<LabelChange> history = store.history(caller.name(), pair.id());
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.set("pair", pairJson(pair));
        body.put("position", store.assignedTo(caller.name()).indexOf(pair.id()));
        Optional<Label> current = history.isEmpty() ? Optional.empty() : history.get(history.size() - 1).label();
        body.set("label", current.map(LabelJson::of).orElse(null));
        body.put("changes", history.size());
        body.set("progress", progress(caller));
        Replies.json(ctx, 200, body);
    }

    /** {@code GET /api/labels}: the caller's current labels (never anyone else's). */
    void labels(Context ctx) {
        Annotator caller = Authentication.annotator(ctx);
        ArrayNode body = JsonNodeFactory.instance.arrayNode();
        store.labelsOf(caller.name()).forEach(label -> body.add(LabelJson.of(label)));
        Replies.json(ctx, 200, body);
    }

    /** {@code GET /api/pairs/{id}/history}: every change of the caller's label of a pair, oldest first. */
    void history(Context ctx) {
        Annotator caller = Authentication.annotator(ctx);
        Pair pair = reachable(caller, ctx.pathParam("id"));
        ArrayNode body = JsonNodeFactory.instance.arrayNode();
        store.history(caller.name(), pair.id()).forEach(change -> body.add(ChangeJson.of(change)));
        Replies.json(ctx, 200, body);
    }

    /** {@code POST /api/labels}: label a pair, or label it anew (see {@link LabelRequest}). */
    void label(Context ctx) {
        Annotator caller = Authentication.annotator(ctx);
        String type = ctx.contentType();
        if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
            throw new RequestException(415, "a label is sent as Content-Type: application/json");
        }
        Optional<String> requestId = requestId(ctx);
        Label label = LabelRequest.parse(ctx.body(), caller.name());
        reachable(caller, label.pairId());
        reply(ctx, caller, label.pairId(), store.label(label, requestId));
    }

    /** {@code POST /api/pairs/{id}/withdraw}: withdraw the caller's label of a pair. */
    void withdraw(Context ctx) {
        Annotator caller = Authentication.annotator(ctx);
        Optional<String> requestId = requestId(ctx);
        String pairId = ctx.pathParam("id");
        if (store.pair(pairId).isEmpty()) {
            throw new RequestException(404, "no pair with id '" + pairId + "'");
        }
        reply(ctx, caller, pairId, store.withdraw(caller.name(), pairId, requestId));
    }

    /** {@code POST /api/undo}: undo the caller's latest change not yet undone. */
    void undo(Context ctx) {
        Annotator caller = Authentication.annotator(ctx);
        Optional<String> requestId = requestId(ctx);
        ChangeResult result = store.undo(caller.name(), requestId);
        reply(ctx, caller, result.change().map(LabelChange::pairId).orElse(null), result);
    }

    private void reply(Context ctx, Annotator caller, String pairId, ChangeResult result) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("outcome", result.outcome().name().toLowerCase(Locale.ROOT));
        body.put("pair_id", pairId);
        body.set("label", result.current().map(LabelJson::of).orElse(null));
        body.set("change", result.change().map(ChangeJson::of).orElse(null));
        body.set("progress", progress(caller));
        int status = result.outcome().appended() ? 201 : 200;
        if (result.outcome() == ChangeResult.Outcome.REQUEST_ID_REUSED) {
            status = 409;
            body.put("error", IDEMPOTENCY_KEY + " '" + requestId(ctx).orElseThrow() + "' was already used for a "
                    + "different change (seq " + result.change().orElseThrow().seq() + "); send a new key for a new change");
            body.set("label", null);
        }
        Replies.json(ctx, status, body);
    }

    /** A pair the caller may read and label: assigned to them, or one they labelled before (assignments can move). */
    private Pair reachable(Annotator caller, String pairId) {
        Pair pair = store.pair(pairId).orElseThrow(() -> new RequestException(404, "no pair with id '" + pairId + "'"));
        if (!store.assignedTo(caller.name()).contains(pairId) && store.history(caller.name(), pairId).isEmpty()) {
            throw new RequestException(403, "pair '" + pairId + "' is not assigned to " + caller.name());
        }
        return pair;
    }

    private static Optional<String> requestId(Context ctx) {
        String key = ctx.header(IDEMPOTENCY_KEY);
        if (key == null) {
            return Optional.empty();
        }
        if (!key.matches("[A-Za-z0-9._:-]{1,100}")) {
            throw new RequestException(400, "header " + IDEMPOTENCY_KEY + " must be 1 to 100 letters, digits, '.', '_', ':' or '-'");
        }
        return Optional.of(key);
    }

    private static ObjectNode pairJson(Pair pair) {
        return JsonNodeFactory.instance.objectNode().put("id", pair.id()).put("prompt", pair.prompt())
                .put("response_a", pair.responseA()).put("response_b", pair.responseB());
    }

    private Set<String> labelled(Annotator caller) {
        return store.labelledPairs(caller.name());
    }

    private ObjectNode progress(Annotator caller) {
        return progress(store.assignedTo(caller.name()), labelled(caller));
    }

    private static ObjectNode progress(List<String> assigned, Set<String> done) {
        long labelled = assigned.stream().filter(done::contains).count();
        return JsonNodeFactory.instance.objectNode().put("assigned", assigned.size()).put("labelled", labelled);
    }
}
