package org.rlhf4j.algorithms.reward;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.rlhf4j.api.feedback.Completion;
import org.rlhf4j.api.feedback.FeedbackContext;
import org.rlhf4j.api.feedback.FeedbackException;
import org.rlhf4j.api.feedback.FeedbackSource;
import org.rlhf4j.api.feedback.Score;
import org.rlhf4j.engine.train.TrainingLoop;

/**
 * Rewards straight from a feedback source that scores ({@link FeedbackSource#givesScores()}): an AI judge,
 * a rule, or a learning source such as the RLGAF discriminator, which first {@link #observe}s the policy's
 * samples. Costs come from {@link Score#cost()} when the source judges safety.
 */
public final class FeedbackSourceReward implements RewardFunction {
    private final String type;
    private final FeedbackSource source;
    private final String arm;
    private final long seed;
    private long round;

    /**
     * @param type the source's type name
     * @param source an opened source that gives scores
     * @param arm the arm asking
     * @param seed the arm's feedback seed
     */
    public FeedbackSourceReward(String type, FeedbackSource source, String arm, long seed) {
        this.type = requireNonNull(type, "type is null");
        this.source = requireNonNull(source, "source is null");
        this.arm = requireNonNull(arm, "arm is null");
        this.seed = seed;
        if (!source.givesScores()) {
            throw new IllegalArgumentException("feedback type '" + type + "' gives no scores (only pairwise preferences): "
                    + "train a reward model on its preferences instead (reward_model: {...})");
        }
    }

    @Override
    public String describe() {
        return type;
    }

    @Override
    public boolean givesCosts() {
        return source.judgesSafety();
    }

    @Override
    public Rewards score(List<Completion> completions) {
        List<Score> scores = source.score(completions, new FeedbackContext(arm, round, seed + round));
        if (scores.size() != completions.size()) {
            throw new FeedbackException("feedback type '" + type + "' returned " + scores.size() + " scores for "
                    + completions.size() + " completions");
        }
        double[] rewards = scores.stream().mapToDouble(Score::reward).toArray();
        Optional<double[]> costs = Optional.empty();
        if (source.judgesSafety()) {
            costs = Optional.of(scores.stream().mapToDouble(score -> score.cost().orElse(0)).toArray());
        }
        return new Rewards(rewards, costs);
    }

    /**
     * The source's state ({@link FeedbackSource#saveState()}: a learning source's, or a judge's counters) as checkpoint
     * arrays ({@link SourceCheckpointState}); the round travels too, so that the scores of a resumed run carry the same
     * context.
     */
    @Override
    public Optional<TrainingLoop.State> learnedState() {
        return SourceCheckpointState.of(type, source, () -> round, restored -> round = restored);
    }

    @Override
    public Map<String, Double> observe(List<Completion> policySamples, long round) {
        this.round = round;
        return source.learnsFromPolicy() ? source.observe(policySamples, new FeedbackContext(arm, round, seed + round)) : Map.of();
    }
}
