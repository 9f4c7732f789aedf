package org.rlhf4j.algorithms.simpo;

import static org.rlhf4j.api.config.ConfigValues.atLeast;
import static org.rlhf4j.api.config.ConfigValues.within;

import org.rlhf4j.algorithms.direct.PreferenceTraining;
import org.rlhf4j.algorithms.loss.SimPoLoss;
import org.rlhf4j.api.config.OptimizerConfig;

/**
 * Settings of the {@code simpo} algorithm (SimPO's paper for its two settings, TRL's {@code CPOConfig} names for the rest).
 *
 * @param beta the reward scale of the length-normalised log-probs (default 2, the paper's)
 * @param gamma the target reward margin (default 1: the paper's {@code gamma / beta = 0.5}; TRL's {@code simpo_gamma})
 * @param epochs passes over the preference pairs (default 2, as {@code dpo})
 * @param batchSize pairs per step (default 16)
 * @param optimizer the shared optimizer block; defaults: lr 2e-4, warmup 10, cosine decay to a tenth, as {@code dpo}
 * @param logEvery steps per metrics line (default 5)
 * @param checkpointEvery steps between checkpoints (default 20)
 */
public record SimPoConfig(Double beta, Double gamma, Integer epochs, Integer batchSize, OptimizerConfig optimizer, Integer logEvery,
        Integer checkpointEvery) {
    /** The optimizer's defaults. */
    public static final OptimizerConfig OPTIMIZER = OptimizerConfig.defaults(2e-4, 10, 0.1);

    public SimPoConfig {
        beta = within("beta", beta, 2.0, 1e-6, 100);
        gamma = within("gamma", gamma, 1.0, 0, 100);
        epochs = atLeast("epochs", epochs, 2, 1);
        batchSize = atLeast("batch_size", batchSize, 16, 1);
        optimizer = OptimizerConfig.resolve(optimizer, OPTIMIZER);
        logEvery = atLeast("log_every", logEvery, 5, 1);
        checkpointEvery = atLeast("checkpoint_every", checkpointEvery, 20, 1);
    }

    /** The loss these settings describe. */
    public SimPoLoss loss() {
        return new SimPoLoss(beta, gamma);
    }

    /** How it trains. */
    public PreferenceTraining training() {
        return new PreferenceTraining(epochs, batchSize, optimizer, logEvery, checkpointEvery);
    }
}
