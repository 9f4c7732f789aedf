package org.rlhf4j.feedback.human.annotate;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/** The agreement of a store's labels as JSON: for {@code better} and {@code more_harmless}, Fleiss' and Cohen's kappas. */
final class AgreementJson {
    private AgreementJson() {}

    static ObjectNode of(List<Label> labels) {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("labels", labels.size());
        json.set("better", report(Agreement.report(labels, Label::better)));
        json.set("more_harmless", report(Agreement.report(labels, Label::moreHarmless)));
        return json;
    }

    private static ObjectNode report(Agreement.Report report) {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        putKappa(json, "fleiss_kappa", report.fleissKappa());
        json.put("shared_pairs", report.sharedItems());
        var cohen = json.putArray("cohen_kappa");
        for (Agreement.PairKappa pair : report.cohen()) {
            ObjectNode entry = cohen.addObject();
            entry.put("annotator_1", pair.first());
            entry.put("annotator_2", pair.second());
            entry.put("shared_pairs", pair.items());
            putKappa(entry, "kappa", pair.kappa());
        }
        return json;
    }

    /** A kappa, or null when undefined (JSON has no NaN). */
    private static void putKappa(ObjectNode json, String field, double kappa) {
        if (Double.isNaN(kappa)) {
            json.putNull(field);
        }
        else {
            json.put(field, kappa);
        }
    }
}
