package org.rlhf4j.algorithms.reward;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.rlhf4j.api.feedback.Completion;

/** A second reward mixed into a source's: the weighted sum by hand, and the source's observation kept. */
class TestMixedReward {
    private static final List<Completion> COMPLETIONS = List.of(new Completion("p", "great"), new Completion("p", "awful thing"));

    @Test
    void mixesTheSecondRewardInWithItsShare() {
        int[] observed = {0};
        RewardFunction source = new RewardFunction() {
            @Override
            public String describe() {
                return "discriminator";
            }

            @Override
            public Rewards score(List<Completion> completions) {
                return Rewards.of(new double[] {2.0, -1.0});
            }

            @Override
            public Map<String, Double> observe(List<Completion> policySamples, long round) {
                observed[0] += policySamples.size();
                return Map.of("discriminator/loss", 0.5);
            }
        };
        RewardFunction model = new FunctionReward("reward-model", completion -> completion.response().length());
        MixedReward mixed = new MixedReward(source, model, 0.25);
        assertArrayEquals(new double[] {0.75 * 2.0 + 0.25 * 5, 0.75 * -1.0 + 0.25 * 11}, mixed.score(COMPLETIONS).rewards(), 1e-12);
        assertEquals(Map.of("discriminator/loss", 0.5), mixed.observe(COMPLETIONS, 3));
        assertEquals(2, observed[0]);
        assertEquals("discriminator mixed with reward-model (0.25)", mixed.describe());
        assertArrayEquals(new double[] {2.0, -1.0}, new MixedReward(source, model, 0).score(COMPLETIONS).rewards(), 0.0);
        assertThrows(IllegalArgumentException.class, () -> new MixedReward(source, model, 1.5));
    }
}
