package org.rlhf4j.bench.paths;

import java.util.ArrayList;
import java.util.List;
import org.rlhf4j.bench.BenchKeys;
import org.rlhf4j.bench.HotPath;
import org.rlhf4j.engine.generation.GenerationResult;
import org.rlhf4j.engine.generation.Generator;
import org.rlhf4j.engine.generation.SamplingConfig;
import org.rlhf4j.engine.random.Rng;

/**
 * Sampling at a bench shape: {@code batch} prompts of {@code promptLen} tokens (default shape: 32 of 8), then
 * {@code seqLen - promptLen} new tokens each (40), temperature 1, no stop token; with or without the
 * key/value cache. Counts generated tokens.
 */
public final class GenerationPath implements HotPath {
    private final BenchModel model;
    private final boolean kvCache;
    private final int newTokens;
    private Generator generator; // built in warmUp
    private final List<int[]> prompts = new ArrayList<>();
    private final Rng rng = new Rng(6);

    public GenerationPath(BenchModel model, boolean kvCache) {
        this.model = model;
        this.kvCache = kvCache;
        this.newTokens = model.shape().newTokens();
        for (int[] p : model.randomIds(new Rng(5), model.batch(), model.shape().promptLen())) {
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
        return generator.generate(prompts, new SamplingConfig(newTokens, 1.0, 0, 1.0, -1, kvCache), rng);
    }

    @Override
    public void warmUp() {
        generator = new Generator(model.weights(1));
        run();
    }

    @Override
    public long runOnce() {
        return run().totalTokens();
    }

    @Override
    public void close() {
        if (generator != null) {
            generator.close(); // its worker threads and decoder buffers
        }
        generator = null;
        System.gc(); // lets ND4J free this path's native buffers before the next path runs
    }
}
