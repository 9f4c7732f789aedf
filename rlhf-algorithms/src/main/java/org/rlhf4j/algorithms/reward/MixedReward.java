package org.rlhf4j.algorithms.reward;

import static java.util.Objects.requireNonNull;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.rlhf4j.api.feedback.Completion;
import org.rlhf4j.engine.train.TrainingLoop;

/**
 * A scoring source's reward with a share of a second reward mixed in, {@code (1 - w) r_source + w r_other}: the RLGAF
 * follow-ups add a task reward to the discriminator's, APO keeps a human-preference reward model beside it, so the
 * policy cannot drift wherever the first reward alone would let it. Costs are the first seam's when it gives them,
 * else the second's (a cost model beside the reward model); observation goes to both; the learnt state is the first's.
 */
public final class MixedReward implements RewardFunction {
    private final RewardFunction source;
    private final RewardFunction other;
    private final double weight;

    /**
     * @param source the main seam (a discriminator, a judge)
     * @param other the seam mixed in (a reward model)
     * @param weight the share {@code w} of {@code other}, in [0, 1]
     */
    public MixedReward(RewardFunction source, RewardFunction other, double weight) {
        this.source = requireNonNull(source, "source is null");
        this.other = requireNonNull(other, "other is null");
        if (!(weight >= 0 && weight <= 1)) {
            throw new IllegalArgumentException("the mixed-in share must be in [0, 1], got " + weight);
        }
        this.weight = weight;
    }

    @Override
    public String describe() {
        return String.format(java.util.Locale.ROOT, "%s mixed with %s (%.2f)", source.describe(), other.describe(), weight);
    }

    @Override
    public boolean givesCosts() {
        return source.givesCosts() || other.givesCosts();
    }

    @Override
    public Rewards score(List<Completion> completions) {
        Rewards first = source.score(completions);
        Rewards otherRewards = other.score(completions);
        double[] second = otherRewards.rewards();
        double[] mixed = new double[second.length];
        for (int i = 0; i < mixed.length; i++) {
            mixed[i] = (1 - weight) * first.rewards()[i] + weight * second[i];
        }
        return new Rewards(mixed, first.costs().isPresent() ? first.costs() : otherRewards.costs());
    }

    @Override
    public Map<String, Double> observe(List<Completion> policySamples, long round) {
        Map<String, Double> metrics = new LinkedHashMap<>(source.observe(policySamples, round));
        metrics.putAll(other.observe(policySamples, round));
        return metrics;
    }

    @Override
    public Optional<TrainingLoop.State> learnedState() {
        return source.learnedState();
    }
}
