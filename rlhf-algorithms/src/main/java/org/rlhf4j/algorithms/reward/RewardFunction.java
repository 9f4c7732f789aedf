package org.rlhf4j.algorithms.reward;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.rlhf4j.api.feedback.Completion;
import org.rlhf4j.engine.train.TrainingLoop;

/**
 * The engine's one reward seam (TRL's {@code reward_funcs}): every algorithm gets its rewards, and costs,
 * through it, whatever produces them — a trained reward model, a feedback source that scores, a learning
 * source (the RLGAF discriminator, which {@link #observe}s policy samples between rounds) or a plain
 * function. Algorithms never see a feedback module.
 */
public interface RewardFunction {
    /** What produces the rewards, for logs and reports (e.g. {@code reward-model}, {@code rule-judge}). */
    String describe();

    /** Scores a batch of completions; every reward finite. */
    Rewards score(List<Completion> completions);

    /** Whether {@link #score} gives costs too. */
    default boolean givesCosts() {
        return false;
    }

    /**
     * Shows the seam the policy's latest samples (a learning source updates itself); returns the update's
     * metrics, empty when nothing learns.
     */
    default Map<String, Double> observe(List<Completion> policySamples, long round) {
        return Map.of();
    }

    /**
     * What the seam has learnt from {@link #observe} (a learning source's discriminator) or counted about its work (a
     * judge's {@code judge/...} counters), for an algorithm to save with its checkpoints ({@link TrainingLoop#withState})
     * so that a resumed run scores and reports exactly as an uninterrupted one; empty (the default) when there is none.
     */
    default Optional<TrainingLoop.State> learnedState() {
        return Optional.empty();
    }
}
