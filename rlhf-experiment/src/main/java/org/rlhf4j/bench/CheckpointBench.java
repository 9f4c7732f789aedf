package org.rlhf4j.bench;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.rlhf4j.algorithms.direct.PreferenceStep;
import org.rlhf4j.algorithms.loss.DpoLoss;
import org.rlhf4j.engine.generation.GenerationResult;
import org.rlhf4j.engine.generation.Generator;
import org.rlhf4j.engine.generation.SamplingConfig;
import org.rlhf4j.engine.hf.Gpt2Checkpoint;
import org.rlhf4j.engine.model.EngineThreads;
import org.rlhf4j.engine.model.Heads;
import org.rlhf4j.engine.model.TransformerWeights;
import org.rlhf4j.engine.optim.AdamW;
import org.rlhf4j.engine.optim.LrSchedule;
import org.rlhf4j.engine.random.Rng;
import org.rlhf4j.engine.tokenizer.SequenceEncoder.Encoded;

/**
 * What a Hugging Face checkpoint costs here: its import (the context cut to {@code tokens}), one DPO step (sigmoid, beta
 * 0.1, AdamW) on {@code pairs} pairs of {@code tokens}-token sequences (half prompt, half response) with the reference's
 * log-probs computed first, and one generation pass with the key/value cache ({@code rows} prompts of 16 tokens, then
 * {@code tokens - 16} new tokens each, no stop token), each timed, with the JVM heap's and the process's peak memory
 * (ND4J's arrays live outside the heap: the process's resident peak, {@code VmHWM}, counts them). Run it on a GPT-2-small
 * shaped checkpoint the project writes itself ({@code rlhf model random --shape gpt2-small --out DIR}, then
 * {@code rlhf model bench DIR}).
 */
public final class CheckpointBench {
    private CheckpointBench() {}

    /** Settings of one measurement. */
    public record Settings(int pairs, int tokens, int rows, int steps, long seed) {
        public Settings {
            if (pairs < 1 || tokens < 20 || rows < 1 || steps < 1) {
                throw new IllegalArgumentException("pairs, rows and steps must be >= 1, tokens >= 20");
            }
        }
    }

    /** Measures the checkpoint in {@code directory}; prints progress to {@code log} and returns the figures by name. */
    public static Map<String, Object> run(Path directory, Settings settings, PrintStream log) throws IOException {
        requireNonNull(directory, "directory is null");
        requireNonNull(settings, "settings is null");
        Map<String, Object> out = new LinkedHashMap<>();
        int workers = EngineThreads.trainWorkers();
        long t0 = System.nanoTime();
        TransformerWeights policy = Gpt2Checkpoint.load(directory, Heads.LM, settings.tokens()).weights();
        out.put("load_seconds", seconds(t0));
        out.put("params", policy.numParams());
        out.put("vocab", policy.config().vocabSize());
        out.put("d_model", policy.config().dModel());
        out.put("n_layers", policy.config().nLayers());
        out.put("context", policy.config().maxSeqLen());
        out.put("workers", workers);
        out.put("peak_rss_mb_after_load", peakRssMb());
        log.printf("loaded %s: %,d parameters, vocabulary %d, context cut to %d, in %.1f s%n", directory, policy.numParams(),
                policy.config().vocabSize(), policy.config().maxSeqLen(), (double) out.get("load_seconds"));

        List<Encoded[]> pairs = pairs(settings, policy.config().vocabSize(), new Rng(settings.seed()));
        long t1 = System.nanoTime();
        double[][] reference = PreferenceStep.referenceLogProbs(policy.frozenCopy(), pairs, settings.pairs(), workers);
        out.put("reference_seconds", seconds(t1));
        AdamW optimizer = new AdamW(policy, AdamW.Config.defaults(LrSchedule.constant(1e-5)));
        int[] all = new int[settings.pairs()];
        for (int i = 0; i < all.length; i++) {
            all[i] = i;
        }
        double[] stepSeconds = new double[settings.steps() + 1];
        double firstLoss;
        try (PreferenceStep step = new PreferenceStep(policy, pairs, reference, new DpoLoss(DpoLoss.Type.SIGMOID, 0.1, 0.0),
                settings.pairs(), workers, optimizer.gradientBuffers())) {
            firstLoss = Double.NaN;
            for (int s = 0; s <= settings.steps(); s++) { // step 0 warms up
                long t = System.nanoTime();
                double loss = step.compute(all).loss();
                optimizer.update(step.gradients());
                stepSeconds[s] = seconds(t);
                if (s == 0) {
                    firstLoss = loss;
                }
                log.printf("DPO step %d: loss %.6f, %.2f s%n", s, loss, stepSeconds[s]);
            }
        }
        out.put("dpo_pairs", settings.pairs());
        out.put("dpo_first_loss", firstLoss);
        out.put("dpo_warmup_step_seconds", stepSeconds[0]);
        out.put("dpo_step_seconds", mean(stepSeconds, 1));
        out.put("peak_rss_mb_after_dpo", peakRssMb());

        int promptTokens = 16;
        int newTokens = settings.tokens() - promptTokens;
        List<int[]> prompts = new ArrayList<>();
        Rng rng = new Rng(settings.seed() + 1);
        for (int r = 0; r < settings.rows(); r++) {
            int[] p = new int[promptTokens];
            for (int j = 0; j < p.length; j++) {
                p[j] = rng.nextInt(policy.config().vocabSize());
            }
            prompts.add(p);
        }
        try (Generator generator = new Generator(policy)) {
            long t = System.nanoTime();
            GenerationResult result = generator.generate(prompts, new SamplingConfig(newTokens, 1.0, 0, 1.0, -1, true), rng);
            double s = seconds(t);
            out.put("generation_rows", settings.rows());
            out.put("generation_new_tokens", result.totalTokens());
            out.put("generation_seconds", s);
            out.put("generation_tokens_per_second", result.totalTokens() / s);
            log.printf("generation: %d rows x %d new tokens in %.2f s (%.1f tokens/s)%n", settings.rows(), newTokens, s,
                    result.totalTokens() / s);
        }
        out.put("peak_heap_mb", peakHeapMb());
        out.put("peak_rss_mb", peakRssMb());
        return out;
    }

    /** {@code pairs} pairs of random ids: a shared prompt of half the tokens, then two responses ending in the last id. */
    private static List<Encoded[]> pairs(Settings settings, int vocab, Rng rng) {
        int prompt = settings.tokens() / 2;
        List<Encoded[]> out = new ArrayList<>();
        for (int i = 0; i < settings.pairs(); i++) {
            int[] p = new int[prompt];
            for (int j = 0; j < prompt; j++) {
                p[j] = rng.nextInt(vocab - 1);
            }
            Encoded[] pair = new Encoded[2];
            for (int side = 0; side < 2; side++) {
                int[] tokens = java.util.Arrays.copyOf(p, settings.tokens());
                for (int j = prompt; j < tokens.length - 1; j++) {
                    tokens[j] = rng.nextInt(vocab - 1);
                }
                tokens[tokens.length - 1] = vocab - 1;
                pair[side] = new Encoded(tokens, prompt);
            }
            out.add(pair);
        }
        return out;
    }

    private static double mean(double[] values, int from) {
        double sum = 0;
        for (int i = from; i < values.length; i++) {
            sum += values[i];
        }
        return sum / (values.length - from);
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }

    /** The sum of the heap pools' peak usage, in MB. */
    static double peakHeapMb() {
        long bytes = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                bytes += pool.getPeakUsage().getUsed();
            }
        }
        return bytes / 1e6;
    }

    /** The process's peak resident memory ({@code VmHWM} of {@code /proc/self/status}), in MB; NaN where there is none. */
    static double peakRssMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1e3;
                }
            }
        }
        catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
        return Double.NaN;
    }
}
