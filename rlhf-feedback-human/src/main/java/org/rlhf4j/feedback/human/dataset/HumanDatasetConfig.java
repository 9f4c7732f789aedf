package org.rlhf4j.feedback.human.dataset;

import org.rlhf4j.feedback.human.dataset.PreferenceImporter.OnMalformed;

/**
 * Settings of {@code human-dataset}.
 *
 * @param path the JSONL file of labelled comparisons, relative to the config file
 * @param onUnknown what to answer for a comparison the dataset does not hold (default {@code error})
 * @param format the dataset's layout (default {@code auto}: told per line by its fields; see
 *     {@link PreferenceFormat})
 * @param onMalformed a malformed line stops the run naming file and line ({@code error}, the default) or is
 *     skipped and counted ({@code skip})
 * @param mode {@code lookup} (the default): answer the comparisons asked for from the dataset; {@code pairs}: the
 *     arm trains on the dataset's own pairs (no pairs are sampled from the policy)
 */
public record HumanDatasetConfig(String path, OnUnknown onUnknown, PreferenceFormat format, OnMalformed onMalformed, Mode mode) {
    /** How an arm uses the dataset. */
    public enum Mode {
        /** Answer comparisons that match a row (labelling experiments, labelling a policy's samples). */
        LOOKUP,
        /** Hand the dataset's pairs to the arm to train on. */
        PAIRS
    }

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
        format = format == null ? PreferenceFormat.AUTO : format;
        onMalformed = onMalformed == null ? OnMalformed.ERROR : onMalformed;
        mode = mode == null ? Mode.LOOKUP : mode;
    }

    /** A look-up config with the default format and malformed-line handling. */
    public HumanDatasetConfig(String path, OnUnknown onUnknown) {
        this(path, onUnknown, null, null, null);
    }
}
