package org.rlhf4j.engine.generation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.rlhf4j.engine.model.Heads;
import org.rlhf4j.engine.model.Nd4jForward;
import org.rlhf4j.engine.model.TransformerConfig;
import org.rlhf4j.engine.model.TransformerWeights;
import org.rlhf4j.engine.random.Rng;

class GeneratorTest {
    private static final TransformerConfig CFG = TransformerConfig.of(60, 32, 4, 2, 24);
    // larger init so that the distribution is far from uniform and top-k/top-p actually cut
    private static final TransformerWeights W = scaled(TransformerWeights.init(CFG, Heads.LM, new Rng(1)), 8.0);
    private static final List<int[]> PROMPTS = List.of(new int[] {5, 9, 13}, new int[] {1}, new int[] {7, 7, 2, 40, 33, 12, 8}, new int[] {3, 4});

    private static TransformerWeights scaled(TransformerWeights w, double f) {
        w.get("lm_head").muli(f);
        return w;
    }

    @Test
    void cachedAndUncachedGenerationAgreeTokenForToken() {
        SamplingConfig cfg = new SamplingConfig(12, 0.9, 20, 0.9, 17, true);
        Generator gen = new Generator(W);
        GenerationResult cached = gen.generate(PROMPTS, cfg, new Rng(42));
        GenerationResult uncached = gen.generate(PROMPTS, cfg.withKvCache(false), new Rng(42));
        for (int b = 0; b < PROMPTS.size(); b++) {
            assertArrayEquals(uncached.tokens()[b], cached.tokens()[b], "row " + b);
            assertArrayEquals(uncached.logProbs()[b], cached.logProbs()[b], 1e-4f, "row " + b);
        }
        assertArrayEquals(uncached.lengths(), cached.lengths());
        System.out.println("cached tokens row 2: " + java.util.Arrays.toString(cached.response(2)));
        // same seed, same output; different seed, different output
        assertArrayEquals(cached.tokens()[0], gen.generate(PROMPTS, cfg, new Rng(42)).tokens()[0]);
        GenerationResult other = gen.generate(PROMPTS, cfg, new Rng(43));
        boolean differs = false;
        for (int b = 0; b < PROMPTS.size(); b++) {
            differs |= !java.util.Arrays.equals(other.tokens()[b], cached.tokens()[b]);
        }
        assertTrue(differs);
    }

    @Test
    void logProbsAreThoseOfThePolicyAndRowsAreIndependentOfPadding() {
        SamplingConfig cfg = new SamplingConfig(8, 1.3, 0, 1.0, -1, true);
        Generator gen = new Generator(W);
        GenerationResult r = gen.generate(PROMPTS, cfg, new Rng(5));
        Nd4jForward f = new Nd4jForward(W);
        for (int b = 0; b < PROMPTS.size(); b++) {
            int[] prompt = PROMPTS.get(b);
            int[] seq = new int[prompt.length + r.lengths()[b]];
            System.arraycopy(prompt, 0, seq, 0, prompt.length);
            System.arraycopy(r.response(b), 0, seq, prompt.length, r.lengths()[b]);
            float[] mask = new float[seq.length];
            for (int j = prompt.length; j < seq.length; j++) {
                mask[j] = 1f;
            }
            float[] lp = f.sequenceLogProbs(new int[][] {seq}, new float[][] {mask})[0];
            for (int j = 0; j < r.lengths()[b]; j++) {
                assertEquals(lp[prompt.length - 1 + j], r.logProbs()[b][j], 1e-4, "row " + b + " token " + j);
            }
        }
    }

    @Test
    void stopTokenEndsARowAndTopKOneIsGreedy() {
        Generator gen = new Generator(W);
        GenerationResult greedy = gen.generate(PROMPTS, new SamplingConfig(10, 0.0, 0, 1.0, -1, true), new Rng(1));
        GenerationResult topOne = gen.generate(PROMPTS, new SamplingConfig(10, 1.0, 1, 1.0, -1, true), new Rng(2));
        for (int b = 0; b < PROMPTS.size(); b++) {
            assertArrayEquals(greedy.tokens()[b], topOne.tokens()[b]);
        }
        int stop = greedy.tokens()[0][3];
        GenerationResult stopped = gen.generate(PROMPTS, new SamplingConfig(10, 0.0, 0, 1.0, stop, true), new Rng(1));
        int firstStop = 0;
        while (greedy.tokens()[0][firstStop] != stop) {
            firstStop++;
        }
        assertEquals(firstStop + 1, stopped.lengths()[0]);
        assertEquals(stop, stopped.tokens()[0][firstStop]);
        for (int j = firstStop + 1; j < 10; j++) {
            assertEquals(0, stopped.tokens()[0][j]);
            assertEquals(0f, stopped.logProbs()[0][j]);
        }
    }

    @Test
    void oneGeneratorServesCallAfterCallOfAnyBatchSizeUntilClosed() {
        SamplingConfig cfg = new SamplingConfig(10, 1.0, 0, 1.0, -1, true);
        Generator gen = new Generator(W, 2);
        GenerationResult four = gen.generate(PROMPTS, cfg, new Rng(3));
        // a smaller, then a larger batch on the same decoders give what fresh generators give
        GenerationResult one = gen.generate(PROMPTS.subList(2, 3), cfg, new Rng(4));
        List<int[]> six = new java.util.ArrayList<>(PROMPTS);
        six.add(new int[] {2, 2});
        six.add(new int[] {30});
        GenerationResult many = gen.generate(six, cfg, new Rng(5));
        try (Generator fresh = new Generator(W, 2)) {
            assertArrayEquals(fresh.generate(PROMPTS, cfg, new Rng(3)).tokens(), four.tokens());
            assertArrayEquals(fresh.generate(PROMPTS.subList(2, 3), cfg, new Rng(4)).tokens(), one.tokens());
            assertArrayEquals(fresh.generate(six, cfg, new Rng(5)).tokens(), many.tokens());
        }
        gen.close();
        gen.close(); // idempotent
        org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, () -> gen.generate(PROMPTS, cfg, new Rng(3)));
    }

    @Test
    void workerCountDoesNotChangeTheSamples() {
        List<int[]> prompts = List.of(new int[] {5, 9, 13}, new int[] {1}, new int[] {7, 7, 2, 40, 33, 12, 8}, new int[] {3, 4}, new int[] {11, 50});
        SamplingConfig cfg = new SamplingConfig(12, 0.9, 20, 0.9, 17, true);
        GenerationResult one = new Generator(W, 1).generate(prompts, cfg, new Rng(42));
        int stopped = 0;
        for (int b = 0; b < prompts.size(); b++) {
            stopped += one.lengths()[b] < 12 ? 1 : 0;
        }
        assertTrue(stopped > 0 && stopped < prompts.size(), "the stop token ends some rows but not all: " + stopped);
        for (int workers : new int[] {2, 3, 7}) {
            Generator gen = new Generator(W, workers);
            assertEquals(workers, gen.workers());
            for (boolean kv : new boolean[] {true, false}) {
                GenerationResult r = gen.generate(prompts, cfg.withKvCache(kv), new Rng(42));
                assertArrayEquals(one.lengths(), r.lengths(), workers + " workers, kv " + kv);
                for (int b = 0; b < prompts.size(); b++) {
                    assertArrayEquals(one.tokens()[b], r.tokens()[b], workers + " workers, kv " + kv + ", row " + b);
                    assertArrayEquals(one.logProbs()[b], r.logProbs()[b], 1e-5f, workers + " workers, kv " + kv + ", row " + b);
                }
            }
        }
    }
}
