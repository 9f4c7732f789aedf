package org.rlhf4j.feedback.human.annotate;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;

/**
 * A history entry as JSON: {@code seq}, {@code pair_id}, {@code annotator}, {@code author}, {@code action}
 * ({@code label}, {@code withdraw} or {@code undo}), {@code changed_at}, {@code undoes} (an undo's target, else
 * null), {@code label}, the label after the change (null when none is left), and {@code request_id}, the
 * client's {@code Idempotency-Key} of the request that made it (null when it sent none).
 */
final class ChangeJson {
    private ChangeJson() {}

    static ObjectNode of(LabelChange change) {
        ObjectNode json = JsonNodeFactory.instance.objectNode()
                .put("seq", change.seq())
                .put("pair_id", change.pairId())
                .put("annotator", change.annotator())
                .put("author", change.author())
                .put("action", change.action().name().toLowerCase(Locale.ROOT))
                .put("changed_at", change.at().toString());
        if (change.undoes().isPresent()) {
            json.put("undoes", change.undoes().getAsLong());
        }
        else {
            json.putNull("undoes");
        }
        json.put("request_id", change.requestId().orElse(null));
        if (change.label().isPresent()) {
            ObjectNode label = LabelJson.of(change.label().get());
            label.remove("pair_id");
            label.remove("annotator");
            label.remove("labelled_at");
            json.set("label", label);
        }
        else {
            json.putNull("label");
        }
        return json;
    }
}
