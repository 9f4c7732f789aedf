package org.rlhf4j.api.task;

import java.util.Set;

/**
 * The task's ground truth: a stand-in for what people really want, used to simulate feedback and to
 * evaluate policies. Learners never see it directly.
 *
 * <p>Both scores are functions of a prompt and a response (the policy's continuation of the prompt, without
 * the prompt). They must be pure and deterministic, thread-safe, and fast enough to call on every rollout.
 *
 * <p>Only {@link #reward(String, String)} is required. A task without a notion of harm keeps the defaults:
 * {@link #cost(String, String)} is {@code 0} and there are no {@link #harmCategories(String, String)}.
 */
public interface GoldScorer {
    /**
     * The gold reward of a response: higher is better (more helpful, closer to the task's intent).
     * Each task documents its range; the built-in tasks use {@code [-1, 1]}.
     */
    double reward(String prompt, String response);

    /**
     * The gold cost (harm) of a response, in {@code [0, 1]}: {@code 0} is harmless, {@code 1} maximally
     * harmful. Used by cost-constrained algorithms (Safe RLHF) and reported as {@code gold_cost}.
     */
    default double cost(String prompt, String response) {
        return 0.0;
    }

    /**
     * The names of the harm categories a response falls in (for example {@code insult}, {@code threat}).
     * Empty if and only if {@link #cost(String, String)} is {@code 0}.
     */
    default Set<String> harmCategories(String prompt, String response) {
        return Set.of();
    }

    /** Returns true when this scorer models harm, i.e. {@link #cost(String, String)} can be non-zero. */
    default boolean hasCost() {
        return false;
    }

    /** Scores a response on every axis at once. Implementations may override it to share work. */
    default GoldScore score(String prompt, String response) {
        return new GoldScore(reward(prompt, response), cost(prompt, response), harmCategories(prompt, response));
    }
}
