package org.rlhf4j.algorithms.rewardmodel;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.rlhf4j.api.config.RewardModelConfig;
import org.rlhf4j.engine.model.Heads;
import org.rlhf4j.engine.model.TransformerConfig;
import org.rlhf4j.engine.model.TransformerWeights;
import org.rlhf4j.engine.optim.AdamW;
import org.rlhf4j.engine.optim.LrSchedule;
import org.rlhf4j.engine.random.Rng;
import org.rlhf4j.engine.tokenizer.SequenceEncoder.Encoded;
import org.rlhf4j.engine.train.DataOrder;
import org.rlhf4j.engine.train.StepResult;

/** A reward model learns a signal a token carries: the response holding token 7 is preferred. */
class ScalarModelLearnsTest {
    @Test
    void aRewardModelLearnsWhichTokenIsPreferred() {
        TransformerConfig config = TransformerConfig.of(20, 32, 2, 1, 16);
        TransformerWeights model = TransformerWeights.init(config, Heads.SCALAR, new Rng(1));
        Rng rng = new Rng(2);
        List<ScalarPair> pairs = new ArrayList<>();
        for (int i = 0; i < 256; i++) {
            int[] good = sequence(rng, true);
            int[] bad = sequence(rng, false);
            pairs.add(new ScalarPair(new Encoded(good, 3), new Encoded(bad, 3), 1, 0, 0));
        }
        RewardModelConfig rm = RewardModelConfig.defaults();
        AdamW optimizer = new AdamW(model, new AdamW.Config(LrSchedule.constant(1e-3), 0.9, 0.95, 1e-8, 0, 1));
        DataOrder order = new DataOrder(pairs.size(), 16, 3);
        double accuracy = 0;
        try (ScalarModelStep step = new ScalarModelStep(model, pairs, PairObjective.reward(rm), "rm", 16, 2, optimizer.gradientBuffers())) {
            for (int s = 1; s <= 200; s++) {
                StepResult result = step.compute(order.batch(s));
                optimizer.update(step.gradients());
                accuracy = result.metrics().get("rm/accuracy");
                if (s % 20 == 0) {
                    System.out.printf("step %d loss %.4f accuracy %.3f%n", s, result.loss(), accuracy);
                }
            }
        }
        assertTrue(accuracy > 0.9, "accuracy " + accuracy);
    }

    private static int[] sequence(Rng rng, boolean withSeven) {
        int length = 6 + rng.nextInt(8);
        int[] s = new int[length];
        s[0] = 1;
        for (int i = 1; i < length - 1; i++) {
            s[i] = 8 + rng.nextInt(12);
        }
        if (withSeven) {
            s[1 + rng.nextInt(length - 2)] = 7;
        }
        s[length - 1] = 2;
        return s;
    }
}
