package org.rlhf4j.algorithms.reward;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * The rewards (and, for Safe RLHF, costs) of a batch of completions, in input order.
 *
 * @param rewards one reward per completion
 * @param costs one cost per completion, when the seam gives costs
 */
public record Rewards(double[] rewards, Optional<double[]> costs) {
    public Rewards {
        requireNonNull(rewards, "rewards is null");
        requireNonNull(costs, "costs is null");
        costs.ifPresent(c -> {
            if (c.length != rewards.length) {
                throw new IllegalArgumentException(c.length + " costs for " + rewards.length + " rewards");
            }
        });
    }

    /** Rewards without costs. */
    public static Rewards of(double[] rewards) {
        return new Rewards(rewards, Optional.empty());
    }
}
