package org.rlhf4j.algorithms.bench.paths;

import java.util.ArrayList;
import java.util.List;
import org.rlhf4j.algorithms.bench.BenchKeys;
import org.rlhf4j.algorithms.bench.HotPath;
import org.rlhf4j.algorithms.generation.GenerationResult;
import org.rlhf4j.algorithms.generation.Generator;
import org.rlhf4j.algorithms.generation.SamplingConfig;
import org.rlhf4j.algorithms.util.Rng;

/**
 * Sampling at the bench size: 32 prompts of 8 tokens, 40 new tokens each (so 48 columns), temperature 1,
 * no stop token; with or without the key/value cache. Counts generated tokens.
 */
public final class GenerationPath implements HotPath {
    public static final int PROMPT_LEN = 8;
    public static final int NEW_TOKENS = BenchModel.SEQ - PROMPT_LEN;

    private final boolean kvCache;
    private Generator generator; // built in warmUp
    private final List<int[]> prompts = new ArrayList<>();
    private final Rng rng = new Rng(6);

    public GenerationPath(boolean kvCache) {
        this.kvCache = kvCache;
        for (int[] p : BenchModel.randomIds(new Rng(5), BenchModel.BATCH, PROMPT_LEN)) {
            prompts.add(p);
        }
    }

    @Override
    public String name() {
        return kvCache ? BenchKeys.GENERATE_KV : BenchKeys.GENERATE;
    }

    @Override
    public String unit() {
        return "tokens/s";
    }

    private GenerationResult run() {
        if (generator == null) {
            throw new IllegalStateException("warmUp first");
        }
        return generator.generate(prompts, new SamplingConfig(NEW_TOKENS, 1.0, 0, 1.0, -1, kvCache), rng);
    }

    @Override
    public void warmUp() {
        generator = new Generator(BenchModel.weights(1));
        run();
    }

    @Override
    public long runOnce() {
        return run().totalTokens();
    }

    @Override
    public void close() {
        generator = null;
        System.gc(); // lets ND4J free this path's native buffers before the next path runs
    }
}
