package org.rlhf4j.api.feedback;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * Who produced a judgment and when: kept with every label so that annotator agreement, judge bias and
 * label drift can be studied later.
 *
 * @param sourceType the registered {@code type} of the feedback source, e.g. {@code simulated-annotators}
 * @param judgeId the annotator, model or rule set that gave the label, e.g. {@code annotator-3}
 * @param timestamp when the label was produced (or recorded, for imported datasets)
 */
public record Provenance(String sourceType, String judgeId, Instant timestamp) {
    public Provenance {
        Checks.notBlank(sourceType, "sourceType");
        Checks.notBlank(judgeId, "judgeId");
        requireNonNull(timestamp, "timestamp is null");
    }
}
