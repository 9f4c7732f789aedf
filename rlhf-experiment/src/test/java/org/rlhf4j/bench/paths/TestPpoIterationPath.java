package org.rlhf4j.bench.paths;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.rlhf4j.algorithms.ppo.PpoConfig;
import org.rlhf4j.bench.BenchKeys;
import org.rlhf4j.bench.BenchShape;
import org.rlhf4j.engine.model.ParamNames;
import org.rlhf4j.engine.tokenizer.SpecialTokens;

/**
 * The bench's PPO iteration: {@code ppo}'s default settings, prompts of the shape's length, a first iteration whose
 * policy equals the reference (KL exactly 0), a policy that trains, the same weights from two runs, and per-part
 * timings that add up to the iteration.
 */
class TestPpoIterationPath {
    private static final BenchShape SMALL = new BenchShape(50, 16, 2, 1, 12, 3, 4);

    @Test
    void runsPposDefaults() {
        PpoConfig c = PpoIterationPath.defaults();
        assertEquals(64, c.rollouts());
        assertEquals(4, c.ppoEpochs());
        assertEquals(1, c.miniBatches());
        assertEquals(40, c.maxNewTokens());
        assertEquals(0.05, c.klCoef());
        assertEquals(1.0, c.gamma());
        assertEquals(0.95, c.lam());
        assertEquals(5e-5, c.optimizer().lr());
        assertEquals(1e-4, c.criticLr());
        try (PpoIterationPath path = new PpoIterationPath(new BenchModel(BenchShape.DEFAULT))) {
            assertEquals(BenchKeys.PPO, path.name());
            assertEquals("rollouts/s", path.unit());
            assertEquals(64, path.prompts().size());
            // prompt 0: <bos> then 4 + 17 j mod 1020 for j = 1..7
            assertEquals("w21 w38 w55 w72 w89 w106 w123", path.prompts().get(0));
            // prompt 5, word 1: 4 + (655 + 17) mod 1020
            assertTrue(path.prompts().get(5).startsWith("w676 "), path.prompts().get(5));
            assertThrows(IllegalStateException.class, path::runOnce);
        }
    }

    @Test
    void firstIterationHasNoKlThenThePolicyTrains() {
        try (PpoIterationPath path = new PpoIterationPath(new BenchModel(SMALL))) {
            path.build();
            float[] before = path.policy().get(ParamNames.LM_HEAD).dup().data().asFloat();
            assertEquals(64, path.runOnce());
            assertEquals(0.0, path.lastMeanKl(), 1e-9, "the policy is the reference in the first iteration");
            float[] after = path.policy().get(ParamNames.LM_HEAD).data().asFloat();
            assertFalse(java.util.Arrays.equals(before, after), "4 AdamW updates move lm_head");
            assertEquals(64, path.runOnce());
            assertTrue(Math.abs(path.lastMeanKl()) > 1e-7, "the trained policy differs from the reference: " + path.lastMeanKl());
            Map<String, Double> parts = path.lastParts();
            assertEquals(PpoIterationPath.PARTS, java.util.List.copyOf(parts.keySet()));
            parts.values().forEach(ms -> assertTrue(ms >= 0, parts.toString()));
            assertTrue(parts.get("generate") > 0 && parts.get("policy_update") > 0 && parts.get("critic_adamw") > 0, parts.toString());
        }
    }

    @Test
    void twoRunsTrainTheSameWeights() {
        float[][] heads = new float[2][];
        for (int run = 0; run < 2; run++) {
            try (PpoIterationPath path = new PpoIterationPath(new BenchModel(SMALL))) {
                path.build();
                path.runOnce();
                path.runOnce();
                heads[run] = path.policy().get(ParamNames.LM_HEAD).dup().data().asFloat();
            }
        }
        assertArrayEquals(heads[0], heads[1]);
    }

    @Test
    void promptsEncodeToTheShapesPromptLength() {
        PpoIterationPath path = new PpoIterationPath(new BenchModel(SMALL));
        for (String prompt : path.prompts()) {
            int[] ids = new org.rlhf4j.engine.tokenizer.WordTokenizer(vocab(SMALL.vocab()), false).encode(prompt, true, false);
            assertEquals(SMALL.promptLen(), ids.length, prompt);
            assertEquals(SpecialTokens.BOS_ID, ids[0]);
            for (int j = 1; j < ids.length; j++) {
                assertTrue(ids[j] >= 4, prompt);
            }
        }
    }

    private static java.util.List<String> vocab(int size) {
        java.util.List<String> vocab = new java.util.ArrayList<>(SpecialTokens.ALL);
        for (int id = vocab.size(); id < size; id++) {
            vocab.add("w" + id);
        }
        return vocab;
    }
}
