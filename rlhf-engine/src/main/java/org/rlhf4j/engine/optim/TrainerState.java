package org.rlhf4j.engine.optim;

import static java.util.Objects.requireNonNull;

import java.util.Map;

/**
 * Everything needed to resume training exactly: named arrays (parameters under their own names,
 * AdamW moments under {@code adam.m.*}/{@code adam.v.*}, plus trainer-specific arrays) and a small
 * JSON-able {@link Meta}. A checkpoint store saves both; importing them into a fresh trainer built with
 * the same configuration continues bit-identically.
 */
public record TrainerState(Map<String, org.nd4j.linalg.api.ndarray.INDArray> arrays, Meta meta) {

    public TrainerState {
        requireNonNull(arrays, "arrays is null");
        requireNonNull(meta, "meta is null");
        arrays = Map.copyOf(arrays);
    }

    /**
     * Scalar state.
     *
     * @param kind which trainer wrote it (e.g. {@code sft})
     * @param optimizerStep AdamW updates applied
     * @param rngState the trainer's {@link org.rlhf4j.engine.random.Rng} state (4 longs)
     * @param epoch data epochs started
     * @param cursor position in the current epoch's permutation
     */
    public record Meta(String kind, long optimizerStep, long[] rngState, long epoch, int cursor) {
        public Meta {
            requireNonNull(kind, "kind is null");
            requireNonNull(rngState, "rngState is null");
            rngState = rngState.clone();
        }
    }
}
