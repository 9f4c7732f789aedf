package org.rlhf4j.api.feedback;

import static java.util.Objects.requireNonNull;

import java.util.OptionalDouble;

/**
 * A pointwise judgment of one completion: a scalar reward (higher is better) and, for Safe RLHF, an
 * optional cost (higher is more harmful).
 *
 * @param completion the completion judged
 * @param reward the reward, finite
 * @param cost the cost, finite when present
 * @param provenance who gave the score and when
 */
public record Score(Completion completion, double reward, OptionalDouble cost, Provenance provenance) {
    public Score {
        requireNonNull(completion, "completion is null");
        Checks.finite(reward, "reward");
        requireNonNull(cost, "cost is null");
        if (cost.isPresent()) {
            Checks.finite(cost.getAsDouble(), "cost");
        }
        requireNonNull(provenance, "provenance is null");
    }

    /** A reward-only score. */
    public static Score of(Completion completion, double reward, Provenance provenance) {
        return new Score(completion, reward, OptionalDouble.empty(), provenance);
    }
}
