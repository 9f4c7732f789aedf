package org.rlhf4j.algorithms.direct;

import static java.util.Objects.requireNonNull;

import org.rlhf4j.api.config.OptimizerConfig;

/**
 * How an offline preference algorithm trains ({@link PreferenceAlgorithm}): passes over the pairs, pairs per step, the
 * optimizer, and how often it logs and checkpoints.
 *
 * @param epochs passes over the preference pairs (>= 1)
 * @param batchSize pairs per step (>= 1; cut to the pairs there are)
 * @param optimizer the optimizer, resolved (no value absent)
 * @param logEvery steps per metrics line (>= 1)
 * @param checkpointEvery steps between checkpoints (>= 1)
 */
public record PreferenceTraining(int epochs, int batchSize, OptimizerConfig optimizer, int logEvery, int checkpointEvery) {
    public PreferenceTraining {
        requireNonNull(optimizer, "optimizer is null");
        if (epochs < 1 || batchSize < 1 || logEvery < 1 || checkpointEvery < 1) {
            throw new IllegalArgumentException("epochs " + epochs + ", batch_size " + batchSize + ", log_every " + logEvery
                    + ", checkpoint_every " + checkpointEvery + ": each must be >= 1");
        }
        if (optimizer.lr() == null || optimizer.warmup() == null || optimizer.minLrRatio() == null || optimizer.betas() == null
                || optimizer.eps() == null || optimizer.weightDecay() == null || optimizer.maxGradNorm() == null) {
            throw new IllegalArgumentException("the optimizer block is not resolved (OptimizerConfig.orDefaults): " + optimizer);
        }
    }
}
