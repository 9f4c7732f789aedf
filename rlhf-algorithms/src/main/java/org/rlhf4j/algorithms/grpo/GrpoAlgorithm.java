package org.rlhf4j.algorithms.grpo;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.rlhf4j.algorithms.loss.GroupPolicyLoss;
import org.rlhf4j.algorithms.reward.RewardFunction;
import org.rlhf4j.algorithms.reward.Rewards;
import org.rlhf4j.algorithms.rollout.Rollouts;
import org.rlhf4j.algorithms.spi.ArmContext;
import org.rlhf4j.algorithms.spi.ArmTraining;
import org.rlhf4j.algorithms.spi.Optimizers;
import org.rlhf4j.algorithms.spi.PolicyAlgorithm;
import org.rlhf4j.api.feedback.Completion;
import org.rlhf4j.engine.generation.Generator;
import org.rlhf4j.engine.optim.AdamW;
import org.rlhf4j.engine.random.Rng;
import org.rlhf4j.engine.random.Seeds;
import org.rlhf4j.engine.train.DataOrder;
import org.rlhf4j.engine.train.StepResult;
import org.rlhf4j.engine.train.TrainingLoop;

/**
 * GRPO and RLOO (TRL's {@code GRPOTrainer}/{@code RLOOTrainer} with one pass per batch of rollouts): each step
 * samples {@code group_size} responses to each of {@code prompts_per_step} TRAIN prompts from the current policy,
 * scores them through the arm's reward seam (a learning source first observes them), turns the rewards into
 * group-baseline advantages and takes one AdamW step on {@link GroupPolicyLoss} with the per-token KL to the SFT
 * reference. The rollouts of step {@code s} are seeded from {@code s}, so a resumed run draws the same ones.
 * Logged under TRL's names: {@code reward}, {@code reward_std} (within groups), {@code kl},
 * {@code completions/mean_length}, {@code frac_reward_zero_std}, beside {@code grpo/loss}, and a learning source's
 * update metrics ({@code discriminator/...}); what the seam has learnt is saved with every checkpoint
 * ({@link RewardFunction#learnedState()}), so a resumed run scores as the uninterrupted one.
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
        context.log().printf("Arm %s: %s on %s, %d steps of %d prompts x %d responses%n", context.arm(),
                config.baseline() == GroupPolicyLoss.Baseline.GROUP ? "GRPO" : "RLOO", rewards.describe(), steps, groups, k);
        context.log().flush();
        AdamW optimizer = new AdamW(context.policy(), Optimizers.adamW(config.optimizer(), steps));
        try (Generator generator = new Generator(context.policy());
                GrpoStep step = new GrpoStep(context.policy(), context.reference(), rows, k, context.workers(),
                        optimizer.gradientBuffers())) {
            TrainingLoop.Step rollout = new TrainingLoop.Step() {
                @Override
                public StepResult compute(int[] batch) {
                    throw new IllegalStateException("a GRPO step needs its step number");
                }

                @Override
                public StepResult compute(long s, int[] batch) {
                    List<String> stepPrompts = new ArrayList<>(rows);
                    for (int index : batch) {
                        for (int j = 0; j < k; j++) {
                            stepPrompts.add(prompts.get(index));
                        }
                    }
                    Rollouts rollouts = Rollouts.sample(generator, context.encoder(), stepPrompts, config.maxNewTokens(),
                            config.temperature(), new Rng(Seeds.derive(context.seed(), "rollouts", Long.toString(s))));
                    List<Completion> completions = rollouts.completions();
                    int[] lengths = rollouts.lengths();
                    Map<String, Double> metrics = new LinkedHashMap<>();
                    Map<String, Double> learned = rewards.observe(completions, s);
                    Rewards scored = rewards.score(completions);
                    double[] advantages = GroupPolicyLoss.advantages(scored.rewards(), k, config.baseline());
                    double[] weights = GroupPolicyLoss.tokenWeights(lengths, config.lossNormalisation());
                    GrpoStep.Result update = step.compute(rollouts.sequences(), advantages, weights, config.beta());
                    metrics.put("reward", mean(scored.rewards()));
                    metrics.put("reward_std", groupStd(scored.rewards(), k));
                    metrics.put("frac_reward_zero_std", zeroStdGroups(scored.rewards(), k));
                    metrics.put("kl", update.kl());
                    metrics.put("completions/mean_length", rollouts.meanLength());
                    scored.costs().ifPresent(costs -> metrics.put("cost", mean(costs)));
                    metrics.putAll(learned); // a learning source's update (discriminator/loss, discriminator/accuracy_real, ...)
                    return new StepResult(update.loss(), metrics);
                }
            };
            TrainingLoop loop = new TrainingLoop(context.policy(), optimizer, step.gradients(), order,
                    new TrainingLoop.Options(context.arm(), PHASE, steps, config.logEvery(), config.checkpointEvery(), 20),
                    context.metrics(), context.checkpoints(PHASE), context.configJson()).onStep((arm, phase, s, total) -> {
                        if (config.monitorEvery() > 0 && (s % config.monitorEvery() == 0 || s == total)) {
                            context.goldMonitor().measure(phase, s);
                        }
                        context.progress().stepDone(arm, phase, s, total);
                    });
            rewards.learnedState().ifPresent(state -> loop.withState("feedback", state)); // a discriminator resumes exactly
            TrainingLoop.Result result = loop.run(context.resume(), rollout);
            return new ArmTraining(result.steps(), result.skippedSteps(), result.seconds(), result.steps(),
                    result.steps() * config.promptsPerStep() * config.groupSize());
        }
    }

    private static double mean(double[] values) {
        double sum = 0;
        for (double v : values) {
            sum += v;
        }
        return values.length > 0 ? sum / values.length : 0;
    }

    /** The mean over groups of the rewards' standard deviation within a group. */
    private static double groupStd(double[] rewards, int k) {
        double total = 0;
        for (int g = 0; g < rewards.length; g += k) {
            double mean = mean(java.util.Arrays.copyOfRange(rewards, g, g + k));
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
            boolean same = true;
            for (int i = g + 1; i < g + k; i++) {
                same &= rewards[i] == rewards[g];
            }
            zero += same ? 1 : 0;
        }
        return (double) zero / (rewards.length / k);
    }
}
