package org.rlhf4j.experiment.arm;

import static java.util.Objects.requireNonNull;

import java.util.Optional;
import org.rlhf4j.algorithms.reward.ScalarModels;

/**
 * An arm's reward and cost models of one round (trained, reused from an earlier arm, or none).
 *
 * @param reward the reward model
 * @param cost the cost model
 */
record ArmModels(Optional<ScalarModels> reward, Optional<ScalarModels> cost) implements AutoCloseable {
    /** No models. */
    static final ArmModels NONE = new ArmModels(Optional.empty(), Optional.empty());

    ArmModels {
        requireNonNull(reward, "reward is null");
        requireNonNull(cost, "cost is null");
    }

    /** Ends the models' scoring passes (they rebuild them if used again). */
    @Override
    public void close() {
        reward.ifPresent(ScalarModels::close);
        cost.ifPresent(ScalarModels::close);
    }
}
