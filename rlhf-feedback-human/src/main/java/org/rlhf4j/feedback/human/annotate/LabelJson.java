package org.rlhf4j.feedback.human.annotate;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;
import org.rlhf4j.api.feedback.Choice;

/** A label as the web app sends it: the fields of a label request plus {@code annotator} and {@code labelled_at}. */
final class LabelJson {
    private LabelJson() {}

    static ObjectNode of(Label label) {
        return JsonNodeFactory.instance.objectNode()
                .put("pair_id", label.pairId())
                .put("annotator", label.annotator())
                .put("better", text(label.better()))
                .put("more_harmless", text(label.moreHarmless()))
                .put("a_safe", label.responseASafe())
                .put("b_safe", label.responseBSafe())
                .put("explanation", label.explanation())
                .put("labelled_at", label.labelledAt().toString());
    }

    /** {@code A}, {@code B} or {@code tie}, as the preference datasets write them. */
    static String text(Choice choice) {
        return choice == Choice.TIE ? "tie" : choice.name().toUpperCase(Locale.ROOT);
    }
}
