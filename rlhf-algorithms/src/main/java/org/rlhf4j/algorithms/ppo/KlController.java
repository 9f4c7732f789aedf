package org.rlhf4j.algorithms.ppo;

/**
 * The coefficient {@code beta} of PPO's per-token KL penalty: fixed, or adaptive (Ziegler et al. 2019, TRL's
 * {@code AdaptiveKLController}): after an iteration of {@code n} episodes whose KL to the reference was {@code kl},
 * {@code e = clip(kl / target - 1, -0.2, 0.2)} and {@code beta *= 1 + e n / horizon}.
 */
public final class KlController {
    private final Double target;
    private final double horizon;
    private double value;

    private KlController(double initial, Double target, double horizon) {
        if (!(initial >= 0) || target != null && !(target > 0) || !(horizon > 0)) {
            throw new IllegalArgumentException("bad KL controller: coefficient " + initial + ", target " + target + ", horizon " + horizon);
        }
        this.value = initial;
        this.target = target;
        this.horizon = horizon;
    }

    /** A coefficient that never changes. */
    public static KlController fixed(double value) {
        return new KlController(value, null, 1);
    }

    /** A coefficient steered towards a KL of {@code target} nats per episode over about {@code horizon} episodes. */
    public static KlController adaptive(double initial, double target, double horizon) {
        return new KlController(initial, target, horizon);
    }

    /** The current coefficient. */
    public double value() {
        return value;
    }

    /** Sets the coefficient (a resumed run's). */
    public void restore(double coefficient) {
        this.value = coefficient;
    }

    /** Updates the coefficient after an iteration of {@code episodes} episodes with mean KL {@code kl} (fixed: no-op). */
    public void update(double kl, int episodes) {
        if (target == null) {
            return;
        }
        double error = Math.max(-0.2, Math.min(0.2, kl / target - 1));
        value *= 1 + error * episodes / horizon;
    }
}
