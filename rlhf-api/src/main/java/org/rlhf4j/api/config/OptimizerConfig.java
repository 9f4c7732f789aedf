package org.rlhf4j.api.config;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Objects;

/**
 * The {@code optimizer} block every algorithm shares (TRL's training arguments): AdamW with decoupled weight decay, a
 * learning rate that warms up linearly for {@code warmup} updates and then decays along a cosine to
 * {@code lr * min_lr_ratio} at the last update ({@code min_lr_ratio: 1} keeps it constant after the warm-up), and
 * clipping of the gradient's global norm.
 *
 * <pre>{@code
 * algorithm:
 *   type: dpo
 *   beta: 0.1
 *   optimizer: {lr: 2.0e-4, warmup: 10, min_lr_ratio: 0.1, betas: [0.9, 0.95], eps: 1.0e-8, weight_decay: 0, max_grad_norm: 1}
 * }</pre>
 *
 * Every key is optional; an algorithm fills the absent ones from its own defaults ({@link #orDefaults}), which its
 * documentation lists. A config as read may therefore hold nulls; one that {@link #orDefaults} returned holds none.
 *
 * @param lr the peak learning rate, in [1e-12, 1]
 * @param warmup updates of linear warm-up from 0 to {@code lr} (>= 0; cut to the run's updates)
 * @param minLrRatio the learning rate at the last update as a fraction of {@code lr}, in [0, 1]
 * @param betas AdamW's two moment decays, each in [0, 1)
 * @param eps AdamW's epsilon, in (0, 0.01]
 * @param weightDecay decoupled weight decay, in [0, 1]
 * @param maxGradNorm the global norm gradients are clipped to, 0 for none
 */
public record OptimizerConfig(Double lr, Integer warmup, Double minLrRatio, List<Double> betas, Double eps, Double weightDecay,
        Double maxGradNorm) {
    public OptimizerConfig {
        ConfigValues.optionalWithin("lr", lr, 1e-12, 1);
        if (warmup != null) {
            ConfigValues.atLeast("warmup", warmup, 0, 0);
        }
        ConfigValues.optionalWithin("min_lr_ratio", minLrRatio, 0, 1);
        if (betas != null) {
            if (betas.size() != 2 || betas.stream().anyMatch(Objects::isNull)) {
                throw new IllegalArgumentException("betas must be two numbers [beta1, beta2], got " + betas);
            }
            for (double beta : betas) {
                if (!(beta >= 0 && beta < 1)) {
                    throw new IllegalArgumentException("betas must each be in [0, 1), got " + betas);
                }
            }
            betas = List.copyOf(betas);
        }
        if (eps != null && !(eps > 0 && eps <= 0.01)) {
            throw new IllegalArgumentException("eps must be in (0, 0.01], got " + eps);
        }
        ConfigValues.optionalWithin("weight_decay", weightDecay, 0, 1);
        ConfigValues.optionalWithin("max_grad_norm", maxGradNorm, 0, Double.MAX_VALUE);
    }

    /**
     * An algorithm's defaults: {@code lr}, {@code warmup} and {@code min_lr_ratio} as given, betas 0.9 and 0.95, eps
     * 1e-8, no weight decay, gradients clipped to norm 1.
     */
    public static OptimizerConfig defaults(double lr, int warmup, double minLrRatio) {
        return new OptimizerConfig(lr, warmup, minLrRatio, List.of(0.9, 0.95), 1e-8, 0.0, 1.0);
    }

    /** {@code given}'s values (it may be null: an absent block), the absent ones from {@code defaults}. */
    public static OptimizerConfig resolve(OptimizerConfig given, OptimizerConfig defaults) {
        requireNonNull(defaults, "defaults is null");
        return given == null ? defaults : given.orDefaults(defaults);
    }

    /** This block's values, the absent ones from {@code defaults}. */
    public OptimizerConfig orDefaults(OptimizerConfig defaults) {
        requireNonNull(defaults, "defaults is null");
        return new OptimizerConfig(lr != null ? lr : defaults.lr, warmup != null ? warmup : defaults.warmup,
                minLrRatio != null ? minLrRatio : defaults.minLrRatio, betas != null ? betas : defaults.betas,
                eps != null ? eps : defaults.eps, weightDecay != null ? weightDecay : defaults.weightDecay,
                maxGradNorm != null ? maxGradNorm : defaults.maxGradNorm);
    }

    /** This block with another learning rate (a critic's). */
    public OptimizerConfig withLr(double lr) {
        return new OptimizerConfig(lr, warmup, minLrRatio, betas, eps, weightDecay, maxGradNorm);
    }

    /** The first moment's decay. */
    public double beta1() {
        return betas.get(0);
    }

    /** The second moment's decay. */
    public double beta2() {
        return betas.get(1);
    }
}
