package org.example.hinge;

import static org.rlhf4j.api.config.ConfigValues.atLeast;
import static org.rlhf4j.api.config.ConfigValues.within;

import org.rlhf4j.algorithms.direct.PreferenceTraining;
import org.rlhf4j.api.config.OptimizerConfig;

/**
 * The keys of {@code algorithm: {type: example-hinge, ...}}; every one optional.
 *
 * @param beta the hinge's scale (default 0.1: a margin of 10 nats stops pulling)
 * @param epochs passes over the pairs (default 1)
 * @param batchSize pairs per step (default 16)
 * @param optimizer the shared optimizer block (defaults: lr 2e-4, warm-up 10, cosine to a tenth)
 * @param logEvery steps per metrics line (default 5)
 * @param checkpointEvery steps between checkpoints (default 20)
 */
public record HingeConfig(Double beta, Integer epochs, Integer batchSize, OptimizerConfig optimizer, Integer logEvery,
        Integer checkpointEvery) {
    public HingeConfig {
        beta = within("beta", beta, 0.1, 1e-6, 100);
        epochs = atLeast("epochs", epochs, 1, 1);
        batchSize = atLeast("batch_size", batchSize, 16, 1);
        optimizer = OptimizerConfig.resolve(optimizer, OptimizerConfig.defaults(2e-4, 10, 0.1));
        logEvery = atLeast("log_every", logEvery, 5, 1);
        checkpointEvery = atLeast("checkpoint_every", checkpointEvery, 20, 1);
    }

    /** How the arm trains. */
    PreferenceTraining training() {
        return new PreferenceTraining(epochs, batchSize, optimizer, logEvery, checkpointEvery);
    }
}
