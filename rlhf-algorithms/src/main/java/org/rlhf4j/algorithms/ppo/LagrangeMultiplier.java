package org.rlhf4j.algorithms.ppo;

/**
 * The Lagrange multiplier of PPO-Lagrangian (Safe RLHF, PKU's {@code ppo_lag} trainer): kept as {@code log lambda}
 * and moved by one step of SGD with rate {@code lr} on {@code -(J_C - d) lambda}, where {@code J_C} is the mean cost
 * of the recent episodes and {@code d} the threshold: {@code log lambda += lr (J_C - d) lambda}. It grows while the
 * policy's cost is above the threshold and shrinks below it; {@code lambda_max}, when set, caps it.
 */
public final class LagrangeMultiplier {
    private final double threshold;
    private final double lr;
    private final Double max;
    private double logLambda;

    /**
     * @param initial {@code lambda} at the start (> 0)
     * @param threshold {@code d}, on the cost model's scale
     * @param lr the SGD rate on {@code log lambda}
     * @param max the cap of {@code lambda}, or null for none
     */
    public LagrangeMultiplier(double initial, double threshold, double lr, Double max) {
        if (!(initial > 0) || !(lr > 0) || !Double.isFinite(threshold) || max != null && !(max > 0)) {
            throw new IllegalArgumentException("bad Lagrange multiplier: lambda " + initial + ", threshold " + threshold + ", lr " + lr
                    + ", max " + max);
        }
        this.threshold = threshold;
        this.lr = lr;
        this.max = max;
        this.logLambda = Math.log(initial);
        cap();
    }

    /** {@code lambda}. */
    public double value() {
        return Math.exp(logLambda);
    }

    /** {@code log lambda} (saved with checkpoints). */
    public double logValue() {
        return logLambda;
    }

    /** Restores {@code log lambda}. */
    public void restore(double logLambda) {
        this.logLambda = logLambda;
    }

    /** One update from the mean cost {@code meanCost} of the recent episodes. */
    public void update(double meanCost) {
        logLambda += lr * (meanCost - threshold) * value();
        cap();
    }

    private void cap() {
        if (max != null) {
            logLambda = Math.min(logLambda, Math.log(max));
        }
    }

    /** The threshold {@code d}. */
    public double threshold() {
        return threshold;
    }
}
