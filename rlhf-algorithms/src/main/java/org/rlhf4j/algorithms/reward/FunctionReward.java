package org.rlhf4j.algorithms.reward;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.function.ToDoubleFunction;
import org.rlhf4j.api.feedback.Completion;

/** A reward that is a plain function of a completion (a rule, or in tests the gold scorer itself). */
public final class FunctionReward implements RewardFunction {
    private final String name;
    private final ToDoubleFunction<Completion> function;

    public FunctionReward(String name, ToDoubleFunction<Completion> function) {
        this.name = requireNonNull(name, "name is null");
        this.function = requireNonNull(function, "function is null");
    }

    @Override
    public String describe() {
        return name;
    }

    @Override
    public Rewards score(List<Completion> completions) {
        double[] rewards = new double[completions.size()];
        for (int i = 0; i < rewards.length; i++) {
            rewards[i] = function.applyAsDouble(completions.get(i));
            if (!Double.isFinite(rewards[i])) {
                throw new IllegalStateException(name + " gave a non-finite reward " + rewards[i] + " for completion " + i);
            }
        }
        return Rewards.of(rewards);
    }
}
