package org.rlhf4j.tasks.reviews;

/**
 * The terms of the reviews gold reward for one response (see {@link ReviewsGoldScorer} for the formula).
 *
 * @param sentiment {@code S = tanh(V / 3)}, {@code V} the negation- and intensifier-aware sum of word valences
 * @param fluency {@code F}, the fraction of licensed class bigrams, in {@code [0, 1]}
 * @param onTopic {@code T}, 1 when the response names the prompt's product or one of its features, else 0
 * @param repetition {@code R = max(0, 1 - distinct2 - 0.05)} over the response's tokens
 * @param lengthPenalty {@code L = 0.02 * max(0, tokens - 36)}
 * @param reward the gold reward, {@code clamp(0.8 S + 0.2 T - (1 - F) - R - L, -1, 1)}
 */
public record RewardBreakdown(double sentiment, double fluency, double onTopic, double repetition, double lengthPenalty, double reward) {
}
