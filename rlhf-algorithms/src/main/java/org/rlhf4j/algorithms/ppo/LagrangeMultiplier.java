package org.rlhf4j.algorithms.ppo;

/**
 * The Lagrange multiplier of PPO-Lagrangian (Safe RLHF, PKU's {@code ppo_lag} trainer): kept as {@code log lambda}
 * and moved by one step of SGD with rate {@code lr} on {@code -(J_C - d) lambda}, where {@code J_C} is the mean cost
 * of the recent episodes and {@code d} the threshold: {@code log lambda += lr (J_C - d) lambda}. It grows while the
 * policy's cost is above the threshold and shrinks below it; {@code lambda_max}, when set, caps it. The update
 * grows {@code log lambda} in proportion to {@code lambda} itself, so a cost far above the threshold would overflow it
 * within a few steps: {@code log lambda} is kept within {@code [-20, 20]} ({@code lambda} within about
 * {@code [2e-9, 5e8]}), far beyond where the policy's advantage {@link #rewardWeight()} saturates.
 */
public final class LagrangeMultiplier {
    private static final double LOG_BOUND = 20;

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
        logLambda = Math.max(-LOG_BOUND, Math.min(LOG_BOUND, logLambda));
        if (max != null) {
            logLambda = Math.min(logLambda, Math.log(max));
        }
    }

    /**
     * The weight {@code 1 / (1 + lambda)} of the reward advantage in the policy's advantage
     * {@code (A_r - lambda A_c) / (1 + lambda)}; the cost advantage's is {@code 1 - } this. Computed from
     * {@code log lambda} without overflow.
     */
    public double rewardWeight() {
        return 1.0 / (1.0 + Math.exp(logLambda));
    }

    /** The threshold {@code d}. */
    public double threshold() {
        return threshold;
    }
}
