package org.rlhf4j.algorithms.grpo;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.rlhf4j.algorithms.loss.GroupPolicyLoss;
import org.rlhf4j.algorithms.loss.ReinforcePlusPlus;
import org.rlhf4j.algorithms.reward.RewardFunction;
import org.rlhf4j.algorithms.rollout.Rollouts;
import org.rlhf4j.algorithms.spi.ArmContext;
import org.rlhf4j.algorithms.spi.ArmTraining;
import org.rlhf4j.algorithms.spi.MonitoredProgress;
import org.rlhf4j.algorithms.spi.Optimizers;
import org.rlhf4j.algorithms.spi.PolicyAlgorithm;
import org.rlhf4j.engine.generation.Generator;
import org.rlhf4j.engine.optim.AdamW;
import org.rlhf4j.engine.random.Seeds;
import org.rlhf4j.engine.tokenizer.SequenceEncoder.Encoded;
import org.rlhf4j.engine.tokenizer.SpecialTokens;
import org.rlhf4j.engine.train.DataOrder;
import org.rlhf4j.engine.train.StepResult;
import org.rlhf4j.engine.train.TrainingLoop;

/**
 * The GRPO family (TRL's {@code GRPOTrainer} and {@code RLOOTrainer}; DAPO, Dr. GRPO, GSPO and REINFORCE++ as its
 * settings): each step samples {@code group_size} responses to each of {@code prompts_per_step} TRAIN prompts from the
 * current policy and scores them through the arm's reward seam ({@link GroupSampler}: a learning source first observes
 * them; DAPO's dynamic sampling and soft overlong punishment there), turns the rewards into advantages (a group baseline,
 * leave-one-out, or REINFORCE++'s KL-shaped returns whitened over the batch) and takes {@code num_iterations} AdamW updates
 * on {@link GroupPolicyLoss} with the per-token KL to the SFT reference. With one iteration (the default) the importance
 * ratio is 1 and the loop applies the update; with more, the step applies its own, the later ones clipped against the
 * policy that sampled the batch. The rollouts of step {@code s} are seeded from {@code s}, so a resumed run draws the same
 * ones. Logged under TRL's names: {@code reward}, {@code reward_std} (within groups), {@code kl},
 * {@code completions/mean_length}, {@code completions/clipped_ratio}, {@code frac_reward_zero_std},
 * {@code clip_ratio/low_mean}, {@code clip_ratio/high_mean}, {@code clip_ratio/region_mean}, beside {@code grpo/loss}; with
 * dynamic sampling {@code dynamic_sampling/dropped_groups}, {@code refilled_groups}, {@code unfilled_groups},
 * {@code sampling_rounds}; and a learning source's update metrics ({@code discriminator/...}). What the seam has learnt is
 * saved with every checkpoint ({@link RewardFunction#learnedState()}), with the optimizer's update count and the rollouts
 * generated when they are not a function of the step, so a resumed run scores, updates and counts as the uninterrupted
 * one.
 */
public final class GrpoAlgorithm implements PolicyAlgorithm {
    static final String PHASE = "grpo";

    private final GrpoConfig config;

    public GrpoAlgorithm(GrpoConfig config) {
        this.config = requireNonNull(config, "config is null");
    }

    @Override
    public Input input() {
        return Input.REWARDS;
    }

    @Override
    public ArmTraining train(ArmContext context) throws IOException {
        RewardFunction rewards = context.rewards().orElseThrow(() -> new IllegalStateException(
                "arm '" + context.arm() + "': grpo needs rewards (a reward_model)"));
        List<String> prompts = context.trainPrompts();
        int k = config.groupSize();
        int groups = Math.min(config.promptsPerStep(), prompts.size());
        int rows = groups * k;
        DataOrder order = new DataOrder(prompts.size(), groups, Seeds.derive(context.seed(), "prompts"));
        int steps = config.steps();
        int iterations = config.numIterations();
        context.log().printf("Arm %s: %s on %s, %d steps of %d prompts x %d responses%n", context.arm(), config.describe(),
                rewards.describe(), steps, groups, k);
        context.log().flush();
        AdamW optimizer = new AdamW(context.policy(), Optimizers.adamW(config.optimizer(), steps * iterations));
        long[] generated = {0};
        try (Generator generator = new Generator(context.policy());
                GrpoStep step = new GrpoStep(context.policy(), context.reference(), rows, k, context.workers(),
                        optimizer.gradientBuffers())) {
            GroupSampler sampler = new GroupSampler(config, generator, context.encoder(), rewards, prompts, context.seed());
            TrainingLoop.Step update = new TrainingLoop.Step() {
                @Override
                public StepResult compute(int[] batch) {
                    throw new IllegalStateException("a GRPO step needs its step number");
                }

                @Override
                public boolean updatesItself() {
                    return iterations > 1;
                }

                @Override
                public StepResult compute(long s, int[] batch) {
                    GroupSampler.Batch sampled = sampler.sample(s, batch);
                    generated[0] += sampled.generated();
                    return optimise(sampled, step, optimizer);
                }
            };
            TrainingLoop loop = new TrainingLoop(context.policy(), optimizer, step.gradients(), order,
                    new TrainingLoop.Options(context.arm(), PHASE, steps, config.logEvery(), config.checkpointEvery(), 20),
                    context.metrics(), context.checkpoints(PHASE), context.configJson())
                    .onStep(MonitoredProgress.of(context, config.monitorEvery()));
            if (iterations > 1 || config.dynamicSampling()) {
                loop.withState(PHASE, new Counters(optimizer, generated)); // not functions of the step: saved
            }
            rewards.learnedState().ifPresent(state -> loop.withState("feedback", state)); // a discriminator resumes exactly
            TrainingLoop.Result result = loop.run(context.resume(), update);
            long rollouts = config.dynamicSampling() ? generated[0] : result.steps() * config.promptsPerStep() * config.groupSize();
            return new ArmTraining(result.steps(), result.skippedSteps(), result.seconds(), result.steps() * iterations, rollouts);
        }
    }

    /**
     * The advantages of a sampled batch and its {@code num_iterations} updates: with one, the loop applies it; with more,
     * each is applied here (a non-finite one skipped and counted), the first pass's log-probs the old ones of the others.
     */
    private StepResult optimise(GroupSampler.Batch sampled, GrpoStep step, AdamW optimizer) {
        Rollouts rollouts = sampled.rollouts();
        List<Encoded> sequences = rollouts.sequences();
        int k = config.groupSize();
        double[][] ref = step.referenceLogProbs(sequences);
        double[][] old = null;
        double[][] advantages;
        if (config.baseline() == GrpoConfig.Baseline.BATCH) {
            old = step.policyLogProbs(sequences); // REINFORCE++: the KL penalty in the rewards reads the sampling policy
            advantages = ReinforcePlusPlus.advantages(sampled.rewards(), old, ref, config.beta());
        }
        else {
            advantages = GroupPolicyLoss.perToken(GroupPolicyLoss.advantages(sampled.rewards(), k, config.baseline().group(),
                    config.scaleRewards()), ref);
        }
        double[] weights = GroupPolicyLoss.tokenWeights(rollouts.lengths(), config.lossType(), config.maxNewTokens());
        GroupPolicyLoss.Settings settings = config.lossSettings();
        Map<String, Double> metrics = new LinkedHashMap<>(sampled.metrics());
        metrics.put("reward", mean(sampled.rewards()));
        if (k > 1) {
            metrics.put("reward_std", groupStd(sampled.rewards(), k));
            metrics.put("frac_reward_zero_std", zeroStdGroups(sampled.rewards(), k));
        }
        metrics.put("completions/mean_length", rollouts.meanLength());
        metrics.put("completions/clipped_ratio", clippedRatio(sequences));
        sampled.costs().ifPresent(costs -> metrics.put("cost", mean(costs)));
        if (config.numIterations() == 1) {
            GrpoStep.Result result = step.update(sequences, old, ref, advantages, weights, settings);
            metrics.putAll(result.losses().metrics());
            return new StepResult(result.loss(), metrics);
        }
        double lossSum = 0;
        double normSum = 0;
        int applied = 0;
        Map<String, Double> clipSums = new LinkedHashMap<>();
        for (int it = 0; it < config.numIterations(); it++) {
            GrpoStep.Result result = step.update(sequences, old, ref, advantages, weights, settings);
            if (old == null) {
                old = result.logp();
            }
            if (it == 0) {
                metrics.put("kl", result.kl()); // before this batch's updates, as with one iteration
            }
            double norm = optimizer.gradientNorm(step.gradients());
            if (!Double.isFinite(result.loss()) || !Double.isFinite(norm)) {
                continue;
            }
            optimizer.update(step.gradients(), norm);
            applied++;
            lossSum += result.loss();
            normSum += norm;
            result.losses().metrics().forEach((name, value) -> {
                if (name.startsWith("clip_ratio/")) {
                    clipSums.merge(name, value, Double::sum);
                }
            });
        }
        int count = applied;
        clipSums.forEach((name, sum) -> metrics.put(name, sum / count));
        metrics.put(PHASE + "/grad_norm", applied > 0 ? normSum / applied : Double.NaN);
        metrics.put(PHASE + "/skipped_updates", (double) (config.numIterations() - applied));
        return new StepResult(applied > 0 ? lossSum / applied : Double.NaN, metrics);
    }

    /**
     * What a checkpoint holds beside the policy and its optimizer's moments when they are not functions of the step: the
     * optimizer's update count ({@code num_iterations} per step) and the responses generated (dynamic sampling).
     */
    private static final class Counters implements TrainingLoop.State {
        private final AdamW optimizer;
        private final long[] generated;

        Counters(AdamW optimizer, long[] generated) {
            this.optimizer = optimizer;
            this.generated = generated;
        }

        @Override
        public Map<String, INDArray> export() {
            return Map.of("counters", Nd4j.createFromArray(new long[] {optimizer.step(), generated[0]}));
        }

        @Override
        public void restore(Map<String, INDArray> arrays) {
            INDArray counters = arrays.get("counters");
            if (counters == null) {
                throw new IllegalStateException("the checkpoint's GRPO state has no counters");
            }
            long[] values = counters.toLongVector();
            optimizer.importState(optimizer.exportArrays(), values[0]);
            generated[0] = values[1];
        }
    }

    private static double mean(double[] values) {
        double sum = 0;
        for (double v : values) {
            sum += v;
        }
        return values.length > 0 ? sum / values.length : 0;
    }

    /** The share of responses that ran to the token limit without {@code <eos>} (TRL's {@code completions/clipped_ratio}). */
    private static double clippedRatio(List<Encoded> sequences) {
        int clipped = 0;
        for (Encoded sequence : sequences) {
            int[] tokens = sequence.tokens();
            clipped += tokens[tokens.length - 1] != SpecialTokens.EOS_ID ? 1 : 0;
        }
        return sequences.isEmpty() ? 0 : (double) clipped / sequences.size();
    }

    /** The mean over groups of the rewards' standard deviation within a group. */
    private static double groupStd(double[] rewards, int k) {
        double total = 0;
        for (int g = 0; g < rewards.length; g += k) {
            double mean = mean(Arrays.copyOfRange(rewards, g, g + k));
            double variance = 0;
            for (int i = g; i < g + k; i++) {
                variance += (rewards[i] - mean) * (rewards[i] - mean);
            }
            total += Math.sqrt(variance / (k - 1));
        }
        return total / (rewards.length / k);
    }

    /** The share of groups whose rewards are all equal (no learning signal). */
    private static double zeroStdGroups(double[] rewards, int k) {
        int zero = 0;
        for (int g = 0; g < rewards.length; g += k) {
            zero += DynamicSampling.constant(Arrays.copyOfRange(rewards, g, g + k)) ? 1 : 0;
        }
        return (double) zero / (rewards.length / k);
    }
}
