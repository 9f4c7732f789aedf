package org.rlhf4j.algorithms.spi;

import static java.util.Objects.requireNonNull;

import org.rlhf4j.api.config.OptimizerConfig;
import org.rlhf4j.engine.optim.AdamW;
import org.rlhf4j.engine.optim.LrSchedule;

/** The engine's optimizer settings from an algorithm's {@code optimizer} block. */
public final class Optimizers {
    private Optimizers() {}

    /**
     * AdamW for a run of {@code updates} optimizer updates: warm-up over {@code min(warmup, updates)} updates, then a
     * cosine decay to {@code lr * min_lr_ratio} at the last update.
     *
     * @param optimizer a resolved block (no value absent: {@link OptimizerConfig#orDefaults})
     */
    public static AdamW.Config adamW(OptimizerConfig optimizer, int updates) {
        requireNonNull(optimizer, "optimizer is null");
        return new AdamW.Config(new LrSchedule(optimizer.lr(), Math.min(optimizer.warmup(), updates), updates,
                optimizer.minLrRatio()), optimizer.beta1(), optimizer.beta2(), optimizer.eps(), optimizer.weightDecay(),
                optimizer.maxGradNorm());
    }
}
