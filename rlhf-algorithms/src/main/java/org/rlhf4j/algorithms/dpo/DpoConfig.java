package org.rlhf4j.algorithms.dpo;

import static org.rlhf4j.api.config.ConfigValues.atLeast;

import org.rlhf4j.algorithms.direct.PreferenceTraining;
import org.rlhf4j.algorithms.loss.DpoLoss;
import org.rlhf4j.api.config.OptimizerConfig;

/**
 * Settings of the {@code dpo} algorithm (TRL's {@code DPOConfig} names and defaults where TRL has them).
 *
 * @param lossType {@code sigmoid} (DPO, default) or {@code ipo}
 * @param beta the KL strength (default 0.1)
 * @param labelSmoothing cDPO's label noise {@code e} in [0, 0.5) (default 0; sigmoid loss only)
 * @param epochs passes over the preference pairs (default 2)
 * @param batchSize pairs per step (default 16)
 * @param optimizer the shared optimizer block; defaults: lr 2e-4, warmup 10, cosine decay to a tenth
 *     ({@code min_lr_ratio} 0.1), betas 0.9/0.95, no weight decay, gradients clipped to norm 1
 * @param logEvery steps per metrics line (default 5)
 * @param checkpointEvery steps between checkpoints (default 20)
 */
public record DpoConfig(
        DpoLoss.Type lossType,
        Double beta,
        Double labelSmoothing,
        Integer epochs,
        Integer batchSize,
        OptimizerConfig optimizer,
        Integer logEvery,
        Integer checkpointEvery) {
    /** The optimizer's defaults. */
    public static final OptimizerConfig OPTIMIZER = OptimizerConfig.defaults(2e-4, 10, 0.1);

    public DpoConfig {
        lossType = lossType == null ? DpoLoss.Type.SIGMOID : lossType;
        beta = beta == null ? 0.1 : beta;
        labelSmoothing = labelSmoothing == null ? 0.0 : labelSmoothing;
        new DpoLoss(lossType, beta, labelSmoothing); // checks the three
        epochs = atLeast("epochs", epochs, 2, 1);
        batchSize = atLeast("batch_size", batchSize, 16, 1);
        optimizer = OptimizerConfig.resolve(optimizer, OPTIMIZER);
        logEvery = atLeast("log_every", logEvery, 5, 1);
        checkpointEvery = atLeast("checkpoint_every", checkpointEvery, 20, 1);
    }

    /** The loss these settings describe. */
    public DpoLoss loss() {
        return new DpoLoss(lossType, beta, labelSmoothing);
    }

    /** How it trains. */
    public PreferenceTraining training() {
        return new PreferenceTraining(epochs, batchSize, optimizer, logEvery, checkpointEvery);
    }
}
