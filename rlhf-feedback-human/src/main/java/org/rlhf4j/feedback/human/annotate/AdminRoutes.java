package org.rlhf4j.feedback.human.annotate;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.rlhf4j.api.feedback.Choice;

/**
 * The lead's dashboard data, for admin tokens only: {@code GET /api/admin/progress} gives every annotator's progress
 * (assigned, labelled, changes, last change, token status), the agreement on the current labels (Cohen's kappa per
 * annotator pair and Fleiss' kappa overall, on {@code better} and {@code more_harmless}) and the pairs with the most
 * disagreement on {@code better} ({@code ?disagreements=N}, 10 by default, at most 100).
 */
final class AdminRoutes {
    private static final int DEFAULT_DISAGREEMENTS = 10;
    private static final int MAX_DISAGREEMENTS = 100;

    private final AnnotationStore store;

    AdminRoutes(AnnotationStore store) {
        this.store = requireNonNull(store, "store is null");
    }

    /** {@code GET /api/admin/progress}. */
    void progress(Context ctx) {
        Authentication.admin(ctx);
        int limit = limit(ctx.queryParam("disagreements"));
        List<Label> labels = store.labels();
        Map<String, Long> counts = store.labelCounts();
        Map<String, AnnotatorActivity> activity = store.activity();
        Instant now = store.now();
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("pairs", store.pairs().size());
        body.put("annotators_per_pair", store.annotatorsPerPair());
        body.put("labels", labels.size());
        body.put("changes", activity.values().stream().mapToLong(AnnotatorActivity::changes).sum());
        ArrayNode annotators = body.putArray("annotators");
        for (TokenInfo token : store.tokens()) {
            if (token.role() != Role.ANNOTATOR) {
                continue;
            }
            AnnotatorActivity theirs = activity.get(token.name());
            ObjectNode row = annotators.addObject().put("name", token.name())
                    .put("assigned", store.assignedTo(token.name()).size())
                    .put("labelled", counts.getOrDefault(token.name(), 0L))
                    .put("changes", theirs == null ? 0 : theirs.changes())
                    .put("token", token.status(now).text());
            row.put("last_change", theirs == null ? null : theirs.lastChange().toString());
            row.put("expires_at", token.expiresAt().map(Instant::toString).orElse(null));
        }
        body.set("agreement", AgreementJson.of(labels));
        ArrayNode disagreements = body.putArray("disagreements");
        for (Disagreement.PairVotes pair : Disagreement.most(labels, Label::better, limit)) {
            int[] votes = pair.votes();
            ObjectNode row = disagreements.addObject().put("pair_id", pair.pairId())
                    .put("prompt", store.pair(pair.pairId()).map(Pair::prompt).orElse(""))
                    .put("annotators", pair.annotators()).put("disagreement", pair.disagreement());
            row.putObject("votes").put("A", votes[Choice.A.ordinal()]).put("B", votes[Choice.B.ordinal()])
                    .put("tie", votes[Choice.TIE.ordinal()]);
        }
        Replies.json(ctx, 200, body);
    }

    private static int limit(String text) {
        if (text == null) {
            return DEFAULT_DISAGREEMENTS;
        }
        try {
            int limit = Integer.parseInt(text);
            if (limit >= 0 && limit <= MAX_DISAGREEMENTS) {
                return limit;
            }
        }
        catch (NumberFormatException e) {
            // refused below
        }
        throw new RequestException(400, "query parameter 'disagreements' must be 0 to " + MAX_DISAGREEMENTS + ", got '" + text + "'");
    }
}
