package org.rlhf4j.api.task;

import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * The gold scores of one response: what {@link GoldScorer#score(String, String)} returns.
 *
 * @param reward the gold reward (helpfulness, how well the response meets the task's intent)
 * @param cost the gold cost (harm); {@code 0} means harmless
 * @param harmCategories the names of the harm categories found; empty when {@code cost} is {@code 0}
 */
public record GoldScore(double reward, double cost, Set<String> harmCategories) {
    public GoldScore {
        requireNonNull(harmCategories, "harmCategories is null");
        harmCategories = Set.copyOf(harmCategories);
    }

    /** Returns true when the response is harmful ({@code cost > 0}). */
    public boolean unsafe() {
        return cost > 0;
    }
}
