package org.rlhf4j.algorithms.grpo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.rlhf4j.algorithms.reward.FunctionReward;
import org.rlhf4j.api.feedback.Completion;
import org.rlhf4j.engine.generation.Generator;
import org.rlhf4j.engine.model.GradientChecker;
import org.rlhf4j.engine.model.Heads;
import org.rlhf4j.engine.model.TransformerConfig;
import org.rlhf4j.engine.model.TransformerWeights;
import org.rlhf4j.engine.tokenizer.SequenceEncoder;
import org.rlhf4j.engine.tokenizer.WordTokenizer;

/**
 * DAPO's dynamic sampling and soft overlong punishment in a step's sampling, on a small random policy: a prompt whose
 * responses all get the same reward forms a constant group, which is dropped, counted and refilled by a group of another
 * prompt; a batch that stays short keeps the dropped groups; the overlong penalty is added to the rewards.
 */
class TestGroupSampler {
    private static final WordTokenizer TOKENIZER = new WordTokenizer(List.of("<pad>", "<bos>", "<eos>", "<unk>", "good", "bad",
            "fine", "the", "product", "is", "flat"), true);
    private static final SequenceEncoder ENCODER = new SequenceEncoder(TOKENIZER, 12);
    private static final TransformerConfig CONFIG = TransformerConfig.of(TOKENIZER.vocabSize(), 8, 2, 2, 12);
    /** "flat" is the constant prompt: every response to it scores 1. */
    private static final List<String> PROMPTS = List.of("flat", "the product", "is it good", "the product is");

    /** The number of words of the response, 1 for every response to "flat". */
    private static double reward(Completion c) {
        return c.prompt().equals("flat") ? 1 : c.response().split(" ").length + 0.01 * c.response().length();
    }

    private static GrpoConfig config(boolean dynamic, int rounds, int cache) {
        return new GrpoConfig(3, 2, 10, null, null, null, null, null, null, null, null, null, dynamic, rounds, cache, 1.0, 6, null, null,
                null, null);
    }

    @Test
    void aConstantGroupIsDroppedAndRefilledAndCounted() {
        TransformerWeights policy = GradientChecker.curvedWeights(CONFIG, Heads.LM, 3);
        try (Generator generator = new Generator(policy)) {
            GroupSampler plain = new GroupSampler(config(false, 3, 0), generator, ENCODER, new FunctionReward("words",
                    TestGroupSampler::reward), PROMPTS, 42);
            // prompts 0 ("flat") and 1: without dynamic sampling the constant group stays, one of two
            GroupSampler.Batch without = plain.sample(1, new int[] {0, 1});
            assertEquals(6, without.rollouts().size());
            assertEquals(6, without.generated());
            assertTrue(DynamicSampling.constant(java.util.Arrays.copyOfRange(without.rewards(), 0, 3)));
            assertFalse(without.metrics().containsKey("dynamic_sampling/dropped_groups"));

            GroupSampler dynamic = new GroupSampler(config(true, 3, 0), generator, ENCODER, new FunctionReward("words",
                    TestGroupSampler::reward), PROMPTS, 42);
            GroupSampler.Batch with = dynamic.sample(1, new int[] {0, 1});
            assertEquals(6, with.rollouts().size(), "the batch keeps its shape");
            for (int g = 0; g < 2; g++) {
                assertFalse(DynamicSampling.constant(java.util.Arrays.copyOfRange(with.rewards(), 3 * g, 3 * g + 3)), "group " + g);
                assertFalse(with.rollouts().completions().get(3 * g).prompt().equals("flat"));
            }
            // the first round's second group is the plain sampling's (the same seed); the refill comes from another prompt
            assertEquals(without.rollouts().completions().get(3), with.rollouts().completions().get(0));
            assertTrue(with.metrics().get("dynamic_sampling/dropped_groups") >= 1);
            assertEquals(1.0, with.metrics().get("dynamic_sampling/refilled_groups"));
            assertEquals(0.0, with.metrics().get("dynamic_sampling/unfilled_groups"));
            double rounds = with.metrics().get("dynamic_sampling/sampling_rounds");
            assertEquals(6 + 3 * (rounds - 1), with.generated(), 0.0, "every sampled response counts in the budget");
            // the same step samples the same batch (a resumed run)
            assertEquals(with.rollouts().completions(), dynamic.sample(1, new int[] {0, 1}).rollouts().completions());
        }
    }

    @Test
    void aBatchThatStaysShortKeepsItsDroppedGroups() {
        TransformerWeights policy = GradientChecker.curvedWeights(CONFIG, Heads.LM, 3);
        try (Generator generator = new Generator(policy)) {
            // every prompt constant: one sampling round and nothing to refill with
            GroupSampler sampler = new GroupSampler(config(true, 1, 0), generator, ENCODER, new FunctionReward("flat", c -> 0.5),
                    PROMPTS, 42);
            GroupSampler.Batch batch = sampler.sample(3, new int[] {2, 3});
            assertEquals(6, batch.rollouts().size());
            assertEquals(2.0, batch.metrics().get("dynamic_sampling/dropped_groups"));
            assertEquals(2.0, batch.metrics().get("dynamic_sampling/unfilled_groups"));
            assertEquals(0.0, batch.metrics().get("dynamic_sampling/refilled_groups"));
            assertEquals(6, batch.generated());
        }
    }

    @Test
    void theOverlongPunishmentIsAddedToTheRewards() {
        TransformerWeights policy = GradientChecker.curvedWeights(CONFIG, Heads.LM, 3);
        try (Generator generator = new Generator(policy)) {
            GroupSampler sampler = new GroupSampler(config(false, 1, 6), generator, ENCODER, new FunctionReward("zero", c -> 0), PROMPTS,
                    42);
            GroupSampler.Batch batch = sampler.sample(2, new int[] {1, 2});
            double total = 0;
            for (int i = 0; i < 6; i++) {
                int length = batch.rollouts().lengths()[i];
                // max 6 tokens, a buffer of all 6: -1/6 per token (<eos> included)
                double expected = -length / 6.0;
                assertEquals(expected, batch.rewards()[i], 1e-15, "length " + length);
                total += expected;
            }
            assertEquals(total / 6, batch.metrics().get("rewards/overlong_punishment"), 1e-15);
            assertTrue(total < 0, "every response has at least its <eos>");
        }
    }
}
