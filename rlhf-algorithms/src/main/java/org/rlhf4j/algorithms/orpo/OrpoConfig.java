package org.rlhf4j.algorithms.orpo;

import static org.rlhf4j.api.config.ConfigValues.atLeast;
import static org.rlhf4j.api.config.ConfigValues.within;

import org.rlhf4j.algorithms.direct.PreferenceTraining;
import org.rlhf4j.algorithms.loss.OrpoLoss;
import org.rlhf4j.api.config.OptimizerConfig;

/**
 * Settings of the {@code orpo} algorithm (TRL's {@code ORPOConfig} names and defaults where TRL has them).
 *
 * @param beta the weight of the odds-ratio term beside the SFT loss (TRL's {@code beta}, the paper's lambda; default 0.1)
 * @param epochs passes over the preference pairs (default 2, as {@code dpo})
 * @param batchSize pairs per step (default 16)
 * @param optimizer the shared optimizer block; defaults: lr 2e-4, warmup 10, cosine decay to a tenth, as {@code dpo}
 * @param logEvery steps per metrics line (default 5)
 * @param checkpointEvery steps between checkpoints (default 20)
 */
public record OrpoConfig(Double beta, Integer epochs, Integer batchSize, OptimizerConfig optimizer, Integer logEvery,
        Integer checkpointEvery) {
    /** The optimizer's defaults. */
    public static final OptimizerConfig OPTIMIZER = OptimizerConfig.defaults(2e-4, 10, 0.1);

    public OrpoConfig {
        beta = within("beta", beta, 0.1, 1e-6, 100);
        epochs = atLeast("epochs", epochs, 2, 1);
        batchSize = atLeast("batch_size", batchSize, 16, 1);
        optimizer = OptimizerConfig.resolve(optimizer, OPTIMIZER);
        logEvery = atLeast("log_every", logEvery, 5, 1);
        checkpointEvery = atLeast("checkpoint_every", checkpointEvery, 20, 1);
    }

    /** The loss these settings describe. */
    public OrpoLoss loss() {
        return new OrpoLoss(beta);
    }

    /** How it trains. */
    public PreferenceTraining training() {
        return new PreferenceTraining(epochs, batchSize, optimizer, logEvery, checkpointEvery);
    }
}
