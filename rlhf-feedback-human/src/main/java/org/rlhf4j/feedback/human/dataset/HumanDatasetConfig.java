package org.rlhf4j.feedback.human.dataset;

/**
 * Settings of {@code human-dataset}.
 *
 * @param path the JSONL file of labelled comparisons, relative to the config file
 * @param onUnknown what to answer for a comparison the dataset does not hold (default {@code error})
 */
public record HumanDatasetConfig(String path, OnUnknown onUnknown) {
    /** The answer for a comparison missing from the dataset. */
    public enum OnUnknown {
        /** Fail the request, naming the comparison. */
        ERROR,
        /** Answer a tie with confidence 0 (no information). */
        TIE
    }

    public HumanDatasetConfig {
        if (path == null || path.isBlank()) {
            throw new IllegalArgumentException("missing 'path' (a JSONL file of labelled comparisons)");
        }
        onUnknown = onUnknown == null ? OnUnknown.ERROR : onUnknown;
    }
}
