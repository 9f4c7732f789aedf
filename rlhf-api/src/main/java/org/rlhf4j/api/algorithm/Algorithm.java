package org.rlhf4j.api.algorithm;

/**
 * A trainer built by an {@link AlgorithmFactory} for one experiment arm. The engine that runs the arm
 * (rlhf-algorithms) defines the training interface proper, because it involves the engine's model types;
 * this interface holds what the experiment needs to know before training starts.
 */
public interface Algorithm {
    /** What an algorithm learns from. */
    enum Input {
        /**
         * Pairwise preferences (DPO, IPO): the arm must collect them with a {@code feedback} source or reuse
         * another arm's with {@code preferences: {from: ARM}}.
         */
        PREFERENCES,
        /**
         * Scalar rewards from the engine's reward seam (PPO, GRPO, RLOO): a trained reward model, a source
         * that scores, a learning source or a plain function.
         */
        REWARDS,
        /**
         * Fresh labels from the arm's own feedback source while the algorithm trains (online DPO with the source in
         * its loop): the arm needs a {@code feedback} source of its own; the preferences it collects before training
         * ({@code preferences.pairs}, which may be 0) are not what it learns from.
         */
        FEEDBACK
    }

    /** What this algorithm learns from. */
    Input input();
}
