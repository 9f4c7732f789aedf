package org.rlhf4j.feedback.human.dataset;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Optional;
import org.rlhf4j.api.feedback.Choice;
import org.rlhf4j.api.feedback.Comparison;
import org.rlhf4j.api.feedback.SafetyLabel;

/**
 * One label of a preference dataset.
 *
 * @param comparison the comparison labelled
 * @param better the better response
 * @param safety the harmlessness label, when the dataset has one
 * @param annotator who labelled it
 * @param timestamp when, if the dataset says
 * @param line the line of the dataset it came from
 */
public record LabelledComparison(
        Comparison comparison, Choice better, Optional<SafetyLabel> safety, String annotator,
        Optional<Instant> timestamp, long line) {
    public LabelledComparison {
        requireNonNull(comparison, "comparison is null");
        requireNonNull(better, "better is null");
        requireNonNull(safety, "safety is null");
        requireNonNull(annotator, "annotator is null");
        requireNonNull(timestamp, "timestamp is null");
    }
}
