package org.rlhf4j.bench.paths;

import static java.util.Objects.requireNonNull;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.nd4j.linalg.api.ops.executioner.OpExecutioner;
import org.nd4j.linalg.factory.Nd4j;
import org.rlhf4j.algorithms.ppo.PpoConfig;
import org.rlhf4j.algorithms.ppo.PpoIteration;
import org.rlhf4j.algorithms.ppo.PpoStep;
import org.rlhf4j.algorithms.reward.Rewards;
import org.rlhf4j.algorithms.reward.ScalarModels;
import org.rlhf4j.algorithms.rollout.Rollouts;
import org.rlhf4j.api.config.ConfigBinder;
import org.rlhf4j.bench.BenchKeys;
import org.rlhf4j.bench.BenchShape;
import org.rlhf4j.bench.HotPath;
import org.rlhf4j.engine.generation.Generator;
import org.rlhf4j.engine.model.EngineThreads;
import org.rlhf4j.engine.model.Heads;
import org.rlhf4j.engine.model.TransformerWeights;
import org.rlhf4j.engine.optim.AdamW;
import org.rlhf4j.engine.optim.LrSchedule;
import org.rlhf4j.engine.random.Rng;
import org.rlhf4j.engine.tokenizer.SequenceEncoder;
import org.rlhf4j.engine.tokenizer.SpecialTokens;
import org.rlhf4j.engine.tokenizer.WordTokenizer;

/**
 * One PPO iteration as {@code ppo}'s {@code PpoAlgorithm} runs it with its defaults ({@link PpoConfig} bound from an
 * empty map: 64 rollouts, at most 40 new tokens, 4 epochs of 1 minibatch, KL coefficient 0.05, gamma 1, lambda 0.95,
 * clip 0.2 / value clip 0.2, whitened advantages, AdamW lr 5e-5 (policy) / 1e-4 (critic), betas 0.9/0.95, no weight
 * decay, clip 1.0), on the engine's own classes; counts rollouts.
 *
 * <ol>
 *   <li>{@link Rollouts#sample}: the {@link Generator} (key/value cache) samples one response of at most
 *       {@code min(40, seqLen - promptLen)} tokens to each of 64 prompts at temperature 1, stopping at {@code <eos>};
 *   <li>the reward seam's score: {@link ScalarModels} with one scalar-head reward model, read at the last response
 *       token of {@code <bos> prompt response <eos>};
 *   <li>the rest is {@link PpoIteration}, the same code {@code PpoAlgorithm} runs: {@link PpoStep#policyLogProbs},
 *       {@link PpoStep#referenceLogProbs} (a frozen copy of the initial policy) and {@link PpoStep#values} (the critic: a
 *       trainable copy of the reward model, as {@code critic_init: reward_model}); per-token reward
 *       {@code -beta (logp - ref)} plus the score at the last token, GAE and whitening; 4 epochs of
 *       {@link PpoStep#policyUpdate} + AdamW and {@link PpoStep#criticUpdate} + AdamW on the shuffled rollouts (the
 *       finiteness check of each update's loss and gradient norm included; a skipped update fails the bench).
 * </ol>
 *
 * <p>The model is the bench model of the shape (the policy from seed 1, the reward model's backbone and head from
 * seed 7); the prompts are {@code <bos>} and {@code promptLen - 1} words of a synthetic word vocabulary of the
 * shape's size ({@code w4 .. w<V-1>} after the special tokens), word {@code j} of prompt {@code i} being
 * {@code 4 + (131 i + 17 j) mod (V - 4)} as in {@link BenchPairs}; {@code bench/torch_reference.py} mirrors all of it.
 * The policy trains from one timed iteration to the next, as in a run. The difference to {@code PpoAlgorithm}: no
 * KL controller update (the defaults' coefficient is fixed), no prompt order, no checkpointing.
 */
public final class PpoIterationPath implements HotPath {
    /** Untimed iterations at most before timing (at least one), or {@link #WARM_UP_NANOS}, whichever ends first. */
    static final int WARM_UP_ITERATIONS = 6;
    static final long WARM_UP_NANOS = 8_000_000_000L;
    /** The parts of an iteration, as reported by {@link #lastParts()}. */
    public static final List<String> PARTS = parts();

    private final BenchModel model;
    private final PpoConfig config;
    private final List<String> prompts;
    private final SequenceEncoder encoder;
    private final Map<String, Double> lastParts = new LinkedHashMap<>();
    private TransformerWeights policy; // the rest is built in warmUp
    private Generator generator;
    private PpoStep step;
    private ScalarModels rewards;
    private AdamW policyOptimizer;
    private AdamW criticOptimizer;
    private Rng rng;
    private double lastMeanKl = Double.NaN;

    public PpoIterationPath(BenchModel model) {
        this.model = requireNonNull(model, "model is null");
        this.config = defaults();
        BenchShape shape = model.shape();
        List<String> vocab = new ArrayList<>(SpecialTokens.ALL);
        for (int id = vocab.size(); id < shape.vocab(); id++) {
            vocab.add("w" + id);
        }
        this.encoder = new SequenceEncoder(new WordTokenizer(vocab, false), shape.seqLen());
        this.prompts = new ArrayList<>(config.rollouts());
        int words = Math.max(1, shape.vocab() - 4);
        for (int i = 0; i < config.rollouts(); i++) {
            StringBuilder prompt = new StringBuilder();
            for (int j = 1; j < shape.promptLen(); j++) {
                prompt.append(j > 1 ? " " : "").append('w').append(4 + Math.floorMod(131 * i + 17 * j, words));
            }
            prompts.add(prompt.toString());
        }
    }

    /** {@code ppo}'s defaults: the settings bound from an empty config. */
    static PpoConfig defaults() {
        return ConfigBinder.MAPPER.convertValue(Map.of(), PpoConfig.class);
    }

    @Override
    public String name() {
        return BenchKeys.PPO;
    }

    @Override
    public String unit() {
        return "rollouts/s";
    }

    /** The settings of the iteration ({@code ppo}'s defaults). */
    public PpoConfig config() {
        return config;
    }

    /** The prompts of every iteration. */
    List<String> prompts() {
        return prompts;
    }

    /** The policy being trained (after {@link #warmUp()}). */
    TransformerWeights policy() {
        return policy;
    }

    /** The last iteration's mean KL to the reference per response (sum over its tokens of {@code logp - ref}). */
    double lastMeanKl() {
        return lastMeanKl;
    }

    private static List<String> parts() {
        List<String> parts = new ArrayList<>(List.of("generate", "score"));
        parts.addAll(PpoIteration.PARTS);
        return List.copyOf(parts);
    }

    /** Milliseconds of each of {@link #PARTS} in the last iteration. */
    public Map<String, Double> lastParts() {
        return new LinkedHashMap<>(lastParts);
    }

    /** Builds the models, optimizers and passes without running an iteration. */
    void build() {
        close();
        int rollouts = config.rollouts();
        int miniBatch = rollouts / config.miniBatches();
        int workers = EngineThreads.trainWorkers();
        policy = model.weights(1);
        TransformerWeights reference = policy.frozenCopy();
        TransformerWeights rewardModel = TransformerWeights.init(model.config(), Heads.SCALAR, new Rng(7));
        TransformerWeights critic = rewardModel.copy();
        policyOptimizer = new AdamW(policy, optimizerConfig(config.optimizer().lr()));
        criticOptimizer = new AdamW(critic, optimizerConfig(config.criticLr()));
        generator = new Generator(policy, workers);
        step = new PpoStep(policy, reference, List.of(critic), miniBatch, workers, policyOptimizer.gradientBuffers(),
                List.of(criticOptimizer.gradientBuffers()));
        rewards = new ScalarModels("reward-model", List.of(rewardModel), encoder, 0, false, workers);
        rng = new Rng(8);
    }

    private AdamW.Config optimizerConfig(double lr) {
        return new AdamW.Config(LrSchedule.constant(lr), 0.9, 0.95, 1e-8, config.optimizer().weightDecay(), config.optimizer().maxGradNorm());
    }

    @Override
    public void warmUp() {
        build();
        long start = System.nanoTime();
        for (int i = 0; i < WARM_UP_ITERATIONS && (i < 1 || System.nanoTime() - start < WARM_UP_NANOS); i++) {
            runOnce();
        }
    }

    @Override
    public long runOnce() {
        if (step == null) {
            throw new IllegalStateException("warmUp first");
        }
        long t0 = System.nanoTime();
        Rollouts sampled = Rollouts.sample(generator, encoder, prompts, config.maxNewTokens(), config.temperature(), rng.split());
        long t1 = System.nanoTime();
        Rewards scored = rewards.score(sampled.completions());
        long t2 = System.nanoTime();
        PpoIteration iteration = new PpoIteration(config, sampled, scored, step, config.klCoef(), Optional.empty(), new ArrayDeque<>());
        iteration.optimise(step, policyOptimizer, List.of(criticOptimizer), rng.split());
        if (iteration.metrics().get("ppo/skipped_updates") > 0) {
            throw new IllegalStateException("a non-finite PPO update in the bench");
        }
        lastMeanKl = iteration.meanKl();
        lastParts.clear();
        lastParts.put("generate", (t1 - t0) / 1e6);
        lastParts.put("score", (t2 - t1) / 1e6);
        lastParts.putAll(iteration.partMillis());
        return sampled.sequences().size();
    }

    @Override
    public void close() {
        if (generator != null) {
            generator.close();
        }
        if (step != null) {
            step.close();
        }
        if (rewards != null) {
            rewards.close();
        }
        generator = null;
        step = null;
        rewards = null;
        policyOptimizer = null;
        criticOptimizer = null;
        policy = null;
        System.gc(); // lets ND4J free this path's native buffers before the next path runs
    }

    /**
     * Prints the median milliseconds of each part of an iteration over {@code iterations} timed ones after the warm-up:
     * {@code java ... PpoIterationPath [iterations [shape]]}.
     */
    public static void main(String[] args) {
        Nd4j.getExecutioner().setProfilingMode(OpExecutioner.ProfilingMode.DISABLED);
        EngineThreads.applyDefaults();
        int iterations = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        BenchShape shape = BenchShape.named(args.length > 1 ? args[1] : "default");
        try (PpoIterationPath path = new PpoIterationPath(new BenchModel(shape))) {
            path.warmUp();
            double[][] ms = new double[PARTS.size() + 1][iterations];
            for (int i = 0; i < iterations; i++) {
                long t0 = System.nanoTime();
                path.runOnce();
                ms[PARTS.size()][i] = (System.nanoTime() - t0) / 1e6;
                Map<String, Double> parts = path.lastParts();
                for (int p = 0; p < PARTS.size(); p++) {
                    ms[p][i] = parts.get(PARTS.get(p));
                }
            }
            System.out.printf("PPO iteration at shape %s, %d workers, median of %d (min-max) ms:%n", shape,
                    EngineThreads.trainWorkers(), iterations);
            for (int p = 0; p <= PARTS.size(); p++) {
                double[] sorted = ms[p].clone();
                Arrays.sort(sorted);
                System.out.printf("  %-20s %9.1f (%.1f-%.1f)%n", p < PARTS.size() ? PARTS.get(p) : "total", sorted[iterations / 2],
                        sorted[0], sorted[iterations - 1]);
            }
        }
    }
}
