package org.rlhf4j.algorithms.preference;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.rlhf4j.api.feedback.Comparison;
import org.rlhf4j.api.feedback.Completion;
import org.rlhf4j.engine.train.TrainingLoop;

/**
 * Labels fresh comparisons of the policy's responses while an algorithm trains (online DPO's judge): the arm's feedback
 * source ({@link FeedbackSourceLabeller}: an annotator panel, an AI judge, a discriminator), or a reward through the reward
 * seam. An algorithm gets the arm's source as one from {@link org.rlhf4j.algorithms.spi.ArmContext#labeller()} and never
 * sees a feedback module.
 */
public interface PairLabeller {
    /** What labels, for logs (e.g. the feedback type). */
    String describe();

    /**
     * Shows the labeller the policy's latest samples (a learning source updates itself) before it labels them; returns
     * the update's metrics, empty when nothing learns.
     */
    default Map<String, Double> observe(List<Completion> policySamples, long step) {
        return Map.of();
    }

    /**
     * Labels {@code comparisons} at training step {@code step} (the same step gives the same labels: a resumed run labels
     * as the uninterrupted one did).
     *
     * @return one pair per comparison, in order; a tie where the labeller prefers neither
     */
    List<LabelledPair> label(List<Comparison> comparisons, long step);

    /**
     * What the labeller has learnt or counted (a discriminator, a judge's counters), for the algorithm to save with its
     * checkpoints ({@link TrainingLoop#withState}); empty (the default) when there is none.
     */
    default Optional<TrainingLoop.State> learnedState() {
        return Optional.empty();
    }
}
