package org.rlhf4j.algorithms.ppo;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.rlhf4j.algorithms.reward.RewardFunction;
import org.rlhf4j.algorithms.reward.Rewards;
import org.rlhf4j.algorithms.rollout.Rollouts;
import org.rlhf4j.algorithms.spi.ArmContext;
import org.rlhf4j.algorithms.spi.ArmTraining;
import org.rlhf4j.algorithms.spi.MonitoredProgress;
import org.rlhf4j.algorithms.spi.Optimizers;
import org.rlhf4j.algorithms.spi.PolicyAlgorithm;
import org.rlhf4j.engine.generation.Generator;
import org.rlhf4j.engine.model.Heads;
import org.rlhf4j.engine.model.TransformerWeights;
import org.rlhf4j.engine.optim.AdamW;
import org.rlhf4j.engine.random.Rng;
import org.rlhf4j.engine.random.Seeds;
import org.rlhf4j.engine.train.DataOrder;
import org.rlhf4j.engine.train.StepResult;
import org.rlhf4j.engine.train.TrainingLoop;

/**
 * PPO for language models (TRL's {@code PPOTrainer}), and Safe RLHF's PPO-Lagrangian (PKU's {@code ppo_lag}).
 *
 * <p>Each iteration samples one response to each of {@code rollouts} TRAIN prompts from the current policy, scores
 * them through the arm's reward seam (a learning source first observes them), and reads the response tokens'
 * log-probs under the policy and the frozen SFT reference and the critic's value of each state. The per-token reward
 * is {@code -beta (logp - ref)} with the score added at the last token; GAE (gamma, lambda) gives advantages and the
 * critic's returns; the advantages are whitened. Then {@code ppo_epochs} passes over the rollouts in
 * {@code mini_batches} shuffled minibatches each take one AdamW update of the policy on the clipped surrogate and one
 * of the critic on the clipped value loss; an iteration stops early once a pass's approximate KL exceeds
 * {@code stop_kl}. {@code beta} is fixed or follows the adaptive controller.
 *
 * <p>PPO-Lagrangian adds a cost critic on per-token costs (the cost at the last token, from the cost model or a
 * source's safety judgement) and the multiplier {@code lambda} ({@link LagrangeMultiplier}), updated each iteration
 * from the mean cost of the last {@code cost_window} episodes; the policy's advantage is
 * {@code (A_r - lambda A_c) / (1 + lambda)}. The KL penalty is split as PKU's is, {@code -beta kl} in the reward and
 * {@code +beta kl} in the cost, so that its weight in that advantage stays {@code beta} whatever {@code lambda} is.
 *
 * <p>The critics start from the arm's reward and cost models (as OpenRLHF's do) unless {@code critic_init: policy}
 * or the arm has none, then from the SFT backbone with a new head. Critics, their optimizers, the KL coefficient,
 * the multiplier and its cost window are saved with every checkpoint, with a learning source's state (the RLGAF
 * discriminator): a resumed run continues exactly. Metrics use
 * TRL's names ({@code objective/kl}, {@code objective/entropy}, {@code objective/scores}, {@code policy/clipfrac_avg},
 * {@code policy/approxkl_avg}, {@code val/clipfrac_avg}, ...).
 */
public final class PpoAlgorithm implements PolicyAlgorithm {
    static final String PHASE = "ppo";

    private final PpoConfig config;
    private final boolean lagrangian;

    /**
     * @param config the settings
     * @param lagrangian PPO-Lagrangian (a cost critic and a Lagrange multiplier) rather than plain PPO
     */
    public PpoAlgorithm(PpoConfig config, boolean lagrangian) {
        this.config = requireNonNull(config, "config is null");
        this.lagrangian = lagrangian;
    }

    @Override
    public Input input() {
        return Input.REWARDS;
    }

    @Override
    public ArmTraining train(ArmContext context) throws IOException {
        String name = lagrangian ? "ppo-lagrangian" : "ppo";
        RewardFunction rewards = context.rewards().orElseThrow(() -> new IllegalStateException(
                "arm '" + context.arm() + "': " + name + " needs rewards (a reward_model or a feedback source that scores)"));
        if (lagrangian && !rewards.givesCosts()) {
            throw new IllegalStateException("arm '" + context.arm() + "': ppo-lagrangian needs costs: give the arm a cost_model "
                    + "(or a feedback source that judges safety and scores)");
        }
        List<String> prompts = context.trainPrompts();
        int rollouts = config.rollouts();
        if (rollouts > prompts.size()) {
            throw new IllegalStateException("arm '" + context.arm() + "': rollouts (" + rollouts + ") exceeds the task's "
                    + prompts.size() + " TRAIN prompts");
        }
        int miniBatch = rollouts / config.miniBatches();
        int updates = config.steps() * config.ppoEpochs() * config.miniBatches();
        Rng headRng = new Rng(Seeds.derive(context.seed(), "critic"));
        List<TransformerWeights> critics = new ArrayList<>();
        critics.add(critic(context.rewardModel(), context.policy(), headRng));
        if (lagrangian) {
            critics.add(critic(context.costModel(), context.policy(), headRng));
        }
        AdamW policyOptimizer = new AdamW(context.policy(), Optimizers.adamW(config.optimizer(), updates));
        List<AdamW> criticOptimizers = new ArrayList<>();
        List<Map<String, INDArray>> criticBuffers = new ArrayList<>();
        for (TransformerWeights critic : critics) {
            AdamW optimizer = new AdamW(critic, Optimizers.adamW(config.optimizer().withLr(config.criticLr()), updates));
            criticOptimizers.add(optimizer);
            criticBuffers.add(optimizer.gradientBuffers());
        }
        KlController kl = config.klController();
        Optional<LagrangeMultiplier> multiplier = lagrangian
                ? Optional.of(new LagrangeMultiplier(config.lambdaInit(), config.costThreshold(), config.lambdaLr(), config.lambdaMax()))
                : Optional.empty();
        ArrayDeque<Double> costWindow = new ArrayDeque<>();
        context.log().printf("Arm %s: %s on %s, %d iterations of %d rollouts, %d epochs x %d minibatches, critic from %s%n",
                context.arm(), lagrangian ? "PPO-Lagrangian" : "PPO", rewards.describe(), config.steps(), rollouts, config.ppoEpochs(),
                config.miniBatches(), criticSource(context) ? "the reward model" : "the SFT policy");
        context.log().flush();
        DataOrder order = new DataOrder(prompts.size(), rollouts, Seeds.derive(context.seed(), "prompts"));
        try (Generator generator = new Generator(context.policy());
                PpoStep step = new PpoStep(context.policy(), context.reference(), critics, miniBatch, context.workers(),
                        policyOptimizer.gradientBuffers(), criticBuffers)) {
            TrainingLoop.Step iteration = new TrainingLoop.Step() {
                @Override
                public StepResult compute(int[] batch) {
                    throw new IllegalStateException("a PPO iteration needs its step number");
                }

                @Override
                public boolean updatesItself() {
                    return true;
                }

                @Override
                public StepResult compute(long s, int[] batch) {
                    List<String> stepPrompts = new ArrayList<>(rollouts);
                    for (int index : batch) {
                        stepPrompts.add(prompts.get(index));
                    }
                    Rollouts sampled = Rollouts.sample(generator, context.encoder(), stepPrompts, config.maxNewTokens(),
                            config.temperature(), new Rng(Seeds.derive(context.seed(), "rollouts", Long.toString(s))));
                    Map<String, Double> metrics = new LinkedHashMap<>(rewards.observe(sampled.completions(), s));
                    Rewards scored = rewards.score(sampled.completions());
                    PpoIteration it = new PpoIteration(config, sampled, scored, step, kl.value(), multiplier, costWindow);
                    it.optimise(step, policyOptimizer, criticOptimizers, new Rng(Seeds.derive(context.seed(), "minibatches", Long.toString(s))));
                    kl.update(it.meanKl(), rollouts);
                    metrics.putAll(it.metrics());
                    metrics.put("completions/mean_length", sampled.meanLength());
                    return new StepResult(it.loss(), metrics);
                }
            };
            TrainingLoop loop = new TrainingLoop(context.policy(), policyOptimizer, step.policyGradients(), order,
                    new TrainingLoop.Options(context.arm(), PHASE, config.steps(), config.logEvery(), config.checkpointEvery(), 5),
                    context.metrics(), context.checkpoints(PHASE), context.configJson())
                    .withState("ppo", new SavedState(policyOptimizer, critics, criticOptimizers, kl, multiplier, costWindow))
                    .onStep(MonitoredProgress.of(context, config.monitorEvery()));
            rewards.learnedState().ifPresent(state -> loop.withState("feedback", state)); // a discriminator resumes exactly
            TrainingLoop.Result result = loop.run(context.resume(), iteration);
            return new ArmTraining(result.steps(), result.skippedSteps(), result.seconds(),
                    result.steps() * config.ppoEpochs() * config.miniBatches(), result.steps() * rollouts);
        }
    }

    private boolean criticSource(ArmContext context) {
        return config.criticInit() != PpoConfig.CriticInit.POLICY && context.rewardModel().isPresent();
    }

    /** A critic: a trainable copy of the arm's reward (cost) model, or the SFT backbone with a new scalar head. */
    private TransformerWeights critic(Optional<TransformerWeights> model, TransformerWeights policy, Rng rng) {
        if (config.criticInit() != PpoConfig.CriticInit.POLICY && model.isPresent()) {
            return model.get().copy();
        }
        return policy.withHeads(Heads.SCALAR, rng);
    }

    /**
     * What a checkpoint holds beside the policy and its optimizer's moments: the policy optimizer's update count,
     * each critic's weights, optimizer moments and update count, the KL coefficient, and log lambda with its cost
     * window.
     */
    private static final class SavedState implements TrainingLoop.State {
        private final AdamW policyOptimizer;
        private final List<TransformerWeights> critics;
        private final List<AdamW> criticOptimizers;
        private final KlController kl;
        private final Optional<LagrangeMultiplier> multiplier;
        private final ArrayDeque<Double> costWindow;

        SavedState(AdamW policyOptimizer, List<TransformerWeights> critics, List<AdamW> criticOptimizers, KlController kl,
                Optional<LagrangeMultiplier> multiplier, ArrayDeque<Double> costWindow) {
            this.policyOptimizer = policyOptimizer;
            this.critics = critics;
            this.criticOptimizers = criticOptimizers;
            this.kl = kl;
            this.multiplier = multiplier;
            this.costWindow = costWindow;
        }

        @Override
        public Map<String, INDArray> export() {
            Map<String, INDArray> out = new LinkedHashMap<>();
            out.put("policy_updates", scalar(policyOptimizer.step()));
            out.put("kl_coef", scalar(kl.value()));
            for (int c = 0; c < critics.size(); c++) {
                String prefix = "critic" + c + ".";
                critics.get(c).asMap().forEach((name, array) -> out.put(prefix + "weights." + name, array.dup()));
                criticOptimizers.get(c).exportArrays().forEach((name, array) -> out.put(prefix + "optimizer." + name, array));
                out.put(prefix + "updates", scalar(criticOptimizers.get(c).step()));
            }
            multiplier.ifPresent(m -> {
                out.put("log_lambda", scalar(m.logValue()));
                out.put("cost_window", Nd4j.createFromArray(costWindow.stream().mapToDouble(Double::doubleValue).toArray()));
            });
            return out;
        }

        @Override
        public void restore(Map<String, INDArray> arrays) {
            policyOptimizer.importState(policyOptimizer.exportArrays(), (long) get(arrays, "policy_updates").getDouble(0));
            kl.restore(get(arrays, "kl_coef").getDouble(0));
            for (int c = 0; c < critics.size(); c++) {
                String prefix = "critic" + c + ".";
                Map<String, INDArray> weights = new HashMap<>();
                Map<String, INDArray> optimizer = new HashMap<>();
                arrays.forEach((name, array) -> {
                    if (name.startsWith(prefix + "weights.")) {
                        weights.put(name.substring((prefix + "weights.").length()), array);
                    }
                    else if (name.startsWith(prefix + "optimizer.")) {
                        optimizer.put(name.substring((prefix + "optimizer.").length()), array);
                    }
                });
                TransformerWeights critic = critics.get(c);
                critic.assign(TransformerWeights.of(critic.config(), critic.heads(), weights));
                criticOptimizers.get(c).importState(optimizer, (long) get(arrays, prefix + "updates").getDouble(0));
            }
            multiplier.ifPresent(m -> {
                m.restore(get(arrays, "log_lambda").getDouble(0));
                costWindow.clear();
                for (double cost : get(arrays, "cost_window").toDoubleVector()) {
                    costWindow.addLast(cost);
                }
            });
        }

        private static INDArray get(Map<String, INDArray> arrays, String name) {
            INDArray array = arrays.get(name);
            if (array == null) {
                throw new IllegalStateException("the checkpoint's PPO state has no " + name);
            }
            return array;
        }

        private static INDArray scalar(double value) {
            return Nd4j.createFromArray(new double[] {value});
        }
    }
}
