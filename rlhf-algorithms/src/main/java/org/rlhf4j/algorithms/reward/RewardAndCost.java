package org.rlhf4j.algorithms.reward;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.rlhf4j.api.feedback.Completion;

/** A reward seam and a cost seam as one (a reward model beside a Safe RLHF cost model). */
public final class RewardAndCost implements RewardFunction {
    private final RewardFunction reward;
    private final RewardFunction cost;

    public RewardAndCost(RewardFunction reward, RewardFunction cost) {
        this.reward = requireNonNull(reward, "reward is null");
        this.cost = requireNonNull(cost, "cost is null");
    }

    @Override
    public String describe() {
        return reward.describe() + " + " + cost.describe();
    }

    @Override
    public boolean givesCosts() {
        return true;
    }

    @Override
    public Rewards score(List<Completion> completions) {
        return new Rewards(reward.score(completions).rewards(), Optional.of(cost.score(completions).rewards()));
    }

    @Override
    public Map<String, Double> observe(List<Completion> policySamples, long round) {
        Map<String, Double> metrics = new java.util.LinkedHashMap<>(reward.observe(policySamples, round));
        metrics.putAll(cost.observe(policySamples, round));
        return metrics;
    }
}
