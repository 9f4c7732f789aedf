package org.rlhf4j.algorithms.onlinedpo;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.rlhf4j.algorithms.direct.PreferencePass;
import org.rlhf4j.algorithms.loss.DpoLoss;
import org.rlhf4j.algorithms.preference.LabelledPair;
import org.rlhf4j.algorithms.preference.PairLabeller;
import org.rlhf4j.algorithms.rollout.Rollouts;
import org.rlhf4j.algorithms.spi.ArmContext;
import org.rlhf4j.algorithms.spi.ArmTraining;
import org.rlhf4j.algorithms.spi.MonitoredProgress;
import org.rlhf4j.algorithms.spi.Optimizers;
import org.rlhf4j.algorithms.spi.PolicyAlgorithm;
import org.rlhf4j.api.feedback.Comparison;
import org.rlhf4j.api.feedback.Completion;
import org.rlhf4j.engine.generation.Generator;
import org.rlhf4j.engine.optim.AdamW;
import org.rlhf4j.engine.random.Rng;
import org.rlhf4j.engine.random.Seeds;
import org.rlhf4j.engine.tokenizer.SequenceEncoder.Encoded;
import org.rlhf4j.engine.tokenizer.SpecialTokens;
import org.rlhf4j.engine.train.DataOrder;
import org.rlhf4j.engine.train.StepResult;
import org.rlhf4j.engine.train.TrainingLoop;

/**
 * Online DPO (Guo et al. 2024, <i>Direct Language Model Alignment from Online AI Feedback</i>; TRL's
 * {@code OnlineDPOTrainer}): each step samples two responses to each of {@code prompts_per_step} TRAIN prompts from the
 * current policy, has them labelled on the spot ({@link PairLabeller}: the arm's feedback source in the loop, or its reward
 * seam), and takes one DPO step against the frozen SFT reference on the pairs that are not ties, on the data-parallel
 * {@link PreferencePass}. The samples of step {@code s} are seeded from {@code s} and the labeller's state (a
 * discriminator, a judge's counters) is saved with every checkpoint, so a resumed run labels and trains as the
 * uninterrupted one. A step whose pairs are all ties is skipped. Logged under TRL's names: DPO's {@code rewards/...} and
 * {@code logps/...}, {@code objective/kl} (the mean over the pairs' responses of their log-ratio to the reference),
 * {@code val/contain_eos_token}, {@code beta}, with a reward labeller {@code objective/scores} and
 * {@code objective/scores_margin}; beside {@code online_dpo/ties}, {@code completions/mean_length} and a learning source's
 * update metrics.
 */
public final class OnlineDpoAlgorithm implements PolicyAlgorithm {
    static final String PHASE = "online_dpo";

    private final OnlineDpoConfig config;

    public OnlineDpoAlgorithm(OnlineDpoConfig config) {
        this.config = requireNonNull(config, "config is null");
    }

    @Override
    public Input input() {
        return config.labeller() == OnlineDpoConfig.Labeller.FEEDBACK ? Input.FEEDBACK : Input.REWARDS;
    }

    @Override
    public ArmTraining train(ArmContext context) throws IOException {
        PairLabeller labeller = config.labeller() == OnlineDpoConfig.Labeller.FEEDBACK
                ? context.labeller().orElseThrow(() -> new IllegalStateException("arm '" + context.arm() + "': online-dpo with "
                        + "labeller: feedback needs the arm's own feedback source (not preferences: {from: ...})"))
                : new RewardLabeller(context.rewards().orElseThrow(() -> new IllegalStateException("arm '" + context.arm()
                        + "': online-dpo with labeller: rewards needs rewards (a reward_model or a feedback source that scores)")));
        List<String> prompts = context.trainPrompts();
        int pairs = Math.min(config.promptsPerStep(), prompts.size());
        DataOrder order = new DataOrder(prompts.size(), pairs, Seeds.derive(context.seed(), "prompts"));
        int steps = config.steps();
        DpoLoss loss = config.loss();
        context.log().printf("Arm %s: online %s labelled by %s, %d steps of %d pairs%n", context.arm(), loss.describe(),
                labeller.describe(), steps, pairs);
        context.log().flush();
        AdamW optimizer = new AdamW(context.policy(), Optimizers.adamW(config.optimizer(), steps));
        try (Generator generator = new Generator(context.policy());
                PreferencePass pass = new PreferencePass(context.policy(), pairs, context.workers(), optimizer.gradientBuffers());
                PreferencePass reference = new PreferencePass(context.reference(), pairs, context.workers(), Map.of())) {
            TrainingLoop.Step step = new TrainingLoop.Step() {
                @Override
                public StepResult compute(int[] batch) {
                    throw new IllegalStateException("an online DPO step needs its step number");
                }

                @Override
                public StepResult compute(long s, int[] batch) {
                    return OnlineDpoAlgorithm.this.step(s, batch, context, generator, labeller, pass, reference, loss);
                }
            };
            TrainingLoop loop = new TrainingLoop(context.policy(), optimizer, pass.gradients(), order,
                    new TrainingLoop.Options(context.arm(), PHASE, steps, config.logEvery(), config.checkpointEvery(), 20),
                    context.metrics(), context.checkpoints(PHASE), context.configJson())
                    .onStep(MonitoredProgress.of(context, config.monitorEvery()));
            labeller.learnedState().ifPresent(state -> loop.withState("feedback", state)); // a judge's counters, a discriminator
            TrainingLoop.Result result = loop.run(context.resume(), step);
            long labels = config.labeller() == OnlineDpoConfig.Labeller.FEEDBACK ? result.steps() * pairs : 0;
            return new ArmTraining(result.steps(), result.skippedSteps(), result.seconds(), result.steps(), result.steps() * 2 * pairs,
                    labels);
        }
    }

    /** One step: two samples per prompt, labelled, then a DPO update on the pairs that are not ties. */
    private StepResult step(long s, int[] batch, ArmContext context, Generator generator, PairLabeller labeller, PreferencePass pass,
            PreferencePass reference, DpoLoss loss) {
        List<String> doubled = new ArrayList<>(2 * batch.length);
        for (int index : batch) {
            String prompt = context.trainPrompts().get(index);
            doubled.add(prompt);
            doubled.add(prompt);
        }
        Rollouts sampled = Rollouts.sample(generator, context.encoder(), doubled, config.maxNewTokens(), config.temperature(),
                new Rng(Seeds.derive(context.seed(), "rollouts", Long.toString(s))));
        List<Completion> completions = sampled.completions();
        List<Comparison> comparisons = new ArrayList<>(batch.length);
        for (int i = 0; i < batch.length; i++) {
            comparisons.add(new Comparison(doubled.get(2 * i), completions.get(2 * i).response(), completions.get(2 * i + 1).response()));
        }
        Map<String, Double> metrics = new LinkedHashMap<>(labeller.observe(completions, s));
        List<LabelledPair> labelled = labeller.label(comparisons, s);
        List<Encoded[]> chunk = new ArrayList<>();
        for (LabelledPair pair : labelled) {
            if (!pair.tie()) {
                chunk.add(new Encoded[] {context.encoder().encode(pair.prompt(), pair.chosen()),
                        context.encoder().encode(pair.prompt(), pair.rejected())});
            }
        }
        metrics.put(PHASE + "/ties", (double) (labelled.size() - chunk.size()) / labelled.size());
        metrics.put("completions/mean_length", sampled.meanLength());
        metrics.put("val/contain_eos_token", eosShare(sampled));
        metrics.put("beta", config.beta());
        if (labeller instanceof RewardLabeller rewards) {
            double[] scores = rewards.lastScores();
            double sum = 0;
            double margin = 0;
            for (int i = 0; i < labelled.size(); i++) {
                sum += scores[2 * i] + scores[2 * i + 1];
                margin += Math.abs(scores[2 * i] - scores[2 * i + 1]);
            }
            metrics.put("objective/scores", sum / scores.length);
            metrics.put("objective/scores_margin", margin / labelled.size());
        }
        if (chunk.isEmpty()) {
            return new StepResult(Double.NaN, metrics); // every pair a tie: nothing to learn, the step is skipped
        }
        double[][] ref = reference.logProbs(chunk);
        double[] refChosen = new double[chunk.size()];
        double[] refRejected = new double[chunk.size()];
        for (int i = 0; i < chunk.size(); i++) {
            refChosen[i] = ref[i][0];
            refRejected[i] = ref[i][1];
        }
        StepResult result = pass.step(chunk, refChosen, refRejected, loss);
        metrics.putAll(result.metrics());
        // DPO's rewards are beta times the responses' log-ratios to the reference: their mean over both is the KL estimate
        metrics.put("objective/kl", (result.metrics().get("rewards/chosen") + result.metrics().get("rewards/rejected")) / (2 * config.beta()));
        return new StepResult(result.loss(), metrics);
    }

    /** The share of sampled responses that ended with {@code <eos>}. */
    private static double eosShare(Rollouts sampled) {
        int eos = 0;
        for (Encoded sequence : sampled.sequences()) {
            int[] tokens = sequence.tokens();
            eos += tokens.length > sequence.promptLength() && tokens[tokens.length - 1] == SpecialTokens.EOS_ID ? 1 : 0;
        }
        return (double) eos / sampled.size();
    }
}
