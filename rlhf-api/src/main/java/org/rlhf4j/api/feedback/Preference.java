package org.rlhf4j.api.feedback;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * A pairwise judgment: which response is better (helpfulness), how sure the judge is, and optionally
 * which response is safer (harmlessness, for Safe RLHF's separate cost model).
 *
 * @param comparison the comparison judged
 * @param better which response is better; {@link Choice#TIE} when the judge has no preference
 * @param confidence the judge's confidence in {@code better}, in [0, 1]: 1 is a certain label, 0.5 a
 *     coin flip, 0 a label that carries no information (for example a tie forced by an unparseable answer)
 * @param safety the harmlessness judgment, empty when the source does not judge safety
 * @param provenance who gave the label and when
 */
public record Preference(
        Comparison comparison,
        Choice better,
        double confidence,
        Optional<SafetyLabel> safety,
        Provenance provenance) {
    public Preference {
        requireNonNull(comparison, "comparison is null");
        requireNonNull(better, "better is null");
        Checks.unitInterval(confidence, "confidence");
        requireNonNull(safety, "safety is null");
        requireNonNull(provenance, "provenance is null");
    }

    /** A helpfulness-only judgment. */
    public static Preference of(Comparison comparison, Choice better, double confidence, Provenance provenance) {
        return new Preference(comparison, better, confidence, Optional.empty(), provenance);
    }

    /** The same judgment after responses A and B trade places. */
    public Preference swapped() {
        return new Preference(comparison.swapped(), better.swapped(), confidence,
                safety.map(SafetyLabel::swapped), provenance);
    }
}
