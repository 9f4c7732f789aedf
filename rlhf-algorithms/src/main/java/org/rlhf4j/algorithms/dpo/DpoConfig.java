package org.rlhf4j.algorithms.dpo;

import static org.rlhf4j.api.config.ConfigValues.atLeast;

import org.rlhf4j.algorithms.loss.DpoLoss;

/**
 * Settings of the {@code dpo} algorithm (TRL's {@code DPOConfig} names and defaults where TRL has them).
 *
 * @param lossType {@code sigmoid} (DPO, default) or {@code ipo}
 * @param beta the KL strength (default 0.1)
 * @param labelSmoothing cDPO's label noise {@code e} in [0, 0.5) (default 0; sigmoid loss only)
 * @param epochs passes over the preference pairs (default 2)
 * @param batchSize pairs per step (default 16)
 * @param lr peak learning rate, linear warm-up then cosine decay to a tenth (default 2e-4)
 * @param warmup warm-up steps (default 10)
 * @param weightDecay AdamW decoupled weight decay (default 0)
 * @param maxGradNorm global-norm gradient clip, 0 for none (default 1)
 * @param logEvery steps per metrics line (default 5)
 * @param checkpointEvery steps between checkpoints (default 20)
 */
public record DpoConfig(
        DpoLoss.Type lossType,
        Double beta,
        Double labelSmoothing,
        Integer epochs,
        Integer batchSize,
        Double lr,
        Integer warmup,
        Double weightDecay,
        Double maxGradNorm,
        Integer logEvery,
        Integer checkpointEvery) {
    public DpoConfig {
        lossType = lossType == null ? DpoLoss.Type.SIGMOID : lossType;
        beta = beta == null ? 0.1 : beta;
        if (!(beta > 0 && beta <= 100)) {
            throw new IllegalArgumentException("beta must be in (0, 100], got " + beta);
        }
        labelSmoothing = labelSmoothing == null ? 0.0 : labelSmoothing;
        if (!(labelSmoothing >= 0 && labelSmoothing < 0.5)) {
            throw new IllegalArgumentException("label_smoothing must be in [0, 0.5), got " + labelSmoothing);
        }
        if (labelSmoothing > 0 && lossType == DpoLoss.Type.IPO) {
            throw new IllegalArgumentException("label_smoothing (cDPO) applies to loss_type sigmoid, not ipo");
        }
        epochs = atLeast("epochs", epochs, 2, 1);
        batchSize = atLeast("batch_size", batchSize, 16, 1);
        lr = lr == null ? 2e-4 : lr;
        if (!(lr > 0 && lr <= 1)) {
            throw new IllegalArgumentException("lr must be in (0, 1], got " + lr);
        }
        warmup = warmup == null ? 10 : warmup;
        if (warmup < 0) {
            throw new IllegalArgumentException("warmup must be >= 0, got " + warmup);
        }
        weightDecay = weightDecay == null ? 0.0 : weightDecay;
        if (!(weightDecay >= 0 && weightDecay <= 1)) {
            throw new IllegalArgumentException("weight_decay must be in [0, 1], got " + weightDecay);
        }
        maxGradNorm = maxGradNorm == null ? 1.0 : maxGradNorm;
        if (!(maxGradNorm >= 0)) {
            throw new IllegalArgumentException("max_grad_norm must be >= 0, got " + maxGradNorm);
        }
        logEvery = atLeast("log_every", logEvery, 5, 1);
        checkpointEvery = atLeast("checkpoint_every", checkpointEvery, 20, 1);
    }
}
