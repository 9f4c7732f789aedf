package org.rlhf4j.algorithms.preference;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.rlhf4j.algorithms.reward.SourceCheckpointState;
import org.rlhf4j.api.feedback.Comparison;
import org.rlhf4j.api.feedback.Completion;
import org.rlhf4j.api.feedback.FeedbackContext;
import org.rlhf4j.api.feedback.FeedbackException;
import org.rlhf4j.api.feedback.FeedbackSource;
import org.rlhf4j.api.feedback.Preference;
import org.rlhf4j.engine.random.Seeds;
import org.rlhf4j.engine.train.TrainingLoop;

/**
 * An arm's feedback source as a {@link PairLabeller}: it compares each pair through the SPI
 * ({@link FeedbackSource#compare}) with a context seeded from the training step, and a learning source first observes the
 * pairs' responses. Its state ({@link FeedbackSource#saveState()}: a discriminator, a judge's counters) goes with the
 * algorithm's checkpoints ({@link SourceCheckpointState}).
 */
public final class FeedbackSourceLabeller implements PairLabeller {
    private final String type;
    private final FeedbackSource source;
    private final String arm;
    private final long seed;
    private long step;

    /**
     * @param type the source's type name
     * @param source the arm's opened source
     * @param arm the arm's name
     * @param seed the seed the labels of each step derive from
     */
    public FeedbackSourceLabeller(String type, FeedbackSource source, String arm, long seed) {
        this.type = requireNonNull(type, "type is null");
        this.source = requireNonNull(source, "source is null");
        this.arm = requireNonNull(arm, "arm is null");
        this.seed = seed;
    }

    @Override
    public String describe() {
        return type;
    }

    private FeedbackContext context(long at) {
        step = at;
        return new FeedbackContext(arm, at, Seeds.derive(seed, "labels", Long.toString(at)));
    }

    @Override
    public Map<String, Double> observe(List<Completion> policySamples, long at) {
        return source.learnsFromPolicy() ? source.observe(policySamples, context(at)) : Map.of();
    }

    @Override
    public List<LabelledPair> label(List<Comparison> comparisons, long at) {
        List<Preference> judged = source.compare(comparisons, context(at));
        if (judged.size() != comparisons.size()) {
            throw new FeedbackException("feedback type '" + type + "' answered " + judged.size() + " judgments for "
                    + comparisons.size() + " comparisons");
        }
        List<LabelledPair> out = new ArrayList<>(judged.size());
        for (Preference preference : judged) {
            out.add(LabelledPair.of(preference));
        }
        return out;
    }

    @Override
    public Optional<TrainingLoop.State> learnedState() {
        return SourceCheckpointState.of(type, source, () -> step, restored -> step = restored);
    }
}
