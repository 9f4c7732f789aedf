package org.rlhf4j.algorithms.kto;

import static org.rlhf4j.api.config.ConfigValues.atLeast;
import static org.rlhf4j.api.config.ConfigValues.within;

import org.rlhf4j.algorithms.direct.PreferenceTraining;
import org.rlhf4j.algorithms.loss.KtoLoss;
import org.rlhf4j.api.config.OptimizerConfig;

/**
 * Settings of the {@code kto} algorithm (TRL's {@code KTOConfig} names and defaults where TRL has them).
 *
 * @param beta the KL strength (default 0.1)
 * @param desirableWeight the weight of a desirable (chosen) example's loss (default 1)
 * @param undesirableWeight the weight of an undesirable (rejected) example's loss (default 1: from pairs, the two kinds are
 *     equally many; TRL advises weights that keep {@code w_D n_D / (w_U n_U)} within [1, 4/3])
 * @param epochs passes over the preference pairs (default 2, as {@code dpo})
 * @param batchSize pairs per step, each two examples (default 16)
 * @param optimizer the shared optimizer block; defaults: lr 2e-4, warmup 10, cosine decay to a tenth, as {@code dpo}
 * @param logEvery steps per metrics line (default 5)
 * @param checkpointEvery steps between checkpoints (default 20)
 */
public record KtoConfig(Double beta, Double desirableWeight, Double undesirableWeight, Integer epochs, Integer batchSize,
        OptimizerConfig optimizer, Integer logEvery, Integer checkpointEvery) {
    /** The optimizer's defaults. */
    public static final OptimizerConfig OPTIMIZER = OptimizerConfig.defaults(2e-4, 10, 0.1);

    public KtoConfig {
        beta = within("beta", beta, 0.1, 1e-6, 100);
        desirableWeight = within("desirable_weight", desirableWeight, 1.0, 1e-6, 100);
        undesirableWeight = within("undesirable_weight", undesirableWeight, 1.0, 1e-6, 100);
        epochs = atLeast("epochs", epochs, 2, 1);
        batchSize = atLeast("batch_size", batchSize, 16, 1);
        optimizer = OptimizerConfig.resolve(optimizer, OPTIMIZER);
        logEvery = atLeast("log_every", logEvery, 5, 1);
        checkpointEvery = atLeast("checkpoint_every", checkpointEvery, 20, 1);
    }

    /** The loss these settings describe. */
    public KtoLoss loss() {
        return new KtoLoss(beta, desirableWeight, undesirableWeight);
    }

    /** How it trains. */
    public PreferenceTraining training() {
        return new PreferenceTraining(epochs, batchSize, optimizer, logEvery, checkpointEvery);
    }
}
