package org.rlhf4j.algorithms.experiment;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.rlhf4j.algorithms.arm.ArmContext;
import org.rlhf4j.algorithms.arm.ArmTraining;
import org.rlhf4j.algorithms.arm.GoldMonitor;
import org.rlhf4j.algorithms.arm.PolicyAlgorithm;
import org.rlhf4j.algorithms.checkpoint.CheckpointStore;
import org.rlhf4j.algorithms.model.TransformerWeights;
import org.rlhf4j.algorithms.preference.LabelledPair;
import org.rlhf4j.algorithms.preference.SequenceEncoder;
import org.rlhf4j.algorithms.reward.FeedbackSourceReward;
import org.rlhf4j.algorithms.reward.MixedReward;
import org.rlhf4j.algorithms.reward.PairObjective;
import org.rlhf4j.algorithms.reward.RewardAndCost;
import org.rlhf4j.algorithms.reward.RewardFunction;
import org.rlhf4j.algorithms.reward.ScalarModelTrainer;
import org.rlhf4j.algorithms.reward.ScalarModels;
import org.rlhf4j.algorithms.reward.ScalarPair;
import org.rlhf4j.algorithms.train.ProgressListener;
import org.rlhf4j.algorithms.train.TrainingLoop;
import org.rlhf4j.algorithms.util.Rng;
import org.rlhf4j.algorithms.util.Seeds;
import org.rlhf4j.api.algorithm.Algorithm;
import org.rlhf4j.api.config.ArmPlan;
import org.rlhf4j.api.config.PreferencesConfig;
import org.rlhf4j.api.config.RewardModelConfig;
import org.rlhf4j.api.feedback.Choice;
import org.rlhf4j.api.feedback.FeedbackContext;
import org.rlhf4j.api.feedback.FeedbackSource;
import org.rlhf4j.api.feedback.Preference;
import org.rlhf4j.api.feedback.SafetyLabel;
import org.rlhf4j.api.plugin.PluginContext;
import org.rlhf4j.api.task.Split;
import org.rlhf4j.api.task.Task;

/**
 * Runs one arm of a task experiment on top of the SFT policy:
 * <ol>
 *   <li><b>preferences</b>: collected by the arm's feedback source on the SFT policy's samples
 *       ({@link PreferenceCollection}), taken from the source's own dataset when it holds one
 *       ({@code human-dataset} with {@code mode: pairs}), or reused from an earlier arm
 *       ({@code preferences: {from: ARM}}); split
 *       into training pairs and {@code heldout_fraction} held-out pairs (seeded);</li>
 *   <li><b>reward model</b> and <b>cost model</b>, when configured, trained on the training pairs
 *       ({@link ScalarModelTrainer}) and measured on the held-out pairs against gold ({@link ArmReports});</li>
 *   <li><b>the algorithm</b>, when configured, trains a copy of the SFT policy ({@link PolicyAlgorithm});</li>
 *   <li><b>evaluation</b> of the arm's policy on the EVAL prompts like SFT's, with the same sampling seed.</li>
 * </ol>
 * Each phase is checkpointed; a resumed arm skips what is done and redoes the evaluation.
 */
final class ArmRunner {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * What every arm shares.
     *
     * @param task the task
     * @param sft the SFT policy (never modified)
     * @param reference the frozen SFT policy
     * @param encoder encodes prompts and responses
     * @param evaluator the EVAL-prompt evaluator
     * @param evalSeed the sampling seed of every evaluation (common random numbers across arms)
     * @param sftEvaluation SFT's evaluation
     * @param experimentSeed the experiment seed
     * @param run the run directory
     * @param resume whether the run resumes
     * @param configJson the config for checkpoints
     * @param pluginContext the context feedback sources and algorithms are built with
     * @param workers data-parallel shards
     * @param log progress messages
     * @param progress told after every training step
     */
    record Shared(Task task, TransformerWeights sft, TransformerWeights reference, SequenceEncoder encoder, Evaluator evaluator,
            long evalSeed, Evaluation sftEvaluation, long experimentSeed, RunDirectory run, boolean resume, String configJson,
            PluginContext pluginContext, int workers, PrintWriter log, ProgressListener progress) {}

    /**
     * What an arm produced.
     *
     * @param summary the arm's entry of {@code summary.json}
     * @param samples its evaluation samples (empty for an arm without an algorithm: its policy is SFT's)
     * @param trainPreferences its training pairs (for arms that reuse them)
     * @param heldOutPreferences its held-out pairs
     * @param warnings what the arm warns about
     * @param rewardModel its reward model (for arms that reuse it)
     * @param costModel its cost model (for arms that reuse it)
     */
    record Outcome(ObjectNode summary, List<PolicySample> samples, List<LabelledPair> trainPreferences,
            List<LabelledPair> heldOutPreferences, List<String> warnings, Optional<ScalarModels> rewardModel,
            Optional<ScalarModels> costModel) {}

    private final Shared shared;
    private final ArmReports reports;

    ArmRunner(Shared shared) {
        this.shared = requireNonNull(shared, "shared is null");
        this.reports = new ArmReports(shared.task().goldScorer(), shared.sftEvaluation().samples());
    }

    Outcome run(ArmPlan arm, Map<String, Outcome> earlier) throws IOException {
        long started = System.nanoTime();
        String name = arm.name();
        long seed = Seeds.derive(shared.experimentSeed(), "arm", name);
        List<String> warnings = new ArrayList<>();
        ObjectNode summary = JSON.createObjectNode();
        summary.put("name", name);
        summary.put("feedback", feedbackType(arm, earlier));
        summary.put("algorithm", arm.algorithmType());
        Optional<Algorithm> algorithm = createAlgorithm(arm, shared.pluginContext());
        FeedbackSource source = arm.config().preferences().reused() ? null : createSource(arm, shared.pluginContext());
        Optional<RewardModelConfig> rewardModelConfig = rewardModelConfig(arm, algorithm, source);
        shared.log().printf("Arm %s: feedback %s, reward model %s, cost model %s, algorithm %s%n", name, summary.get("feedback").asText(),
                rewardModelConfig.isEmpty() ? "no" : arm.config().rewardModel().isPresent() ? "yes" : "yes (the defaults: the source "
                        + "gives only preferences)", arm.config().costModel().isPresent() ? "yes" : "no", arm.algorithmType());
        shared.log().flush();
        try {
            List<LabelledPair> train;
            List<LabelledPair> heldOut;
            if (arm.config().preferences().reused()) {
                Outcome from = earlier.get(arm.config().preferences().from());
                train = from.trainPreferences();
                heldOut = from.heldOutPreferences();
                summary.put("preferences_from", arm.config().preferences().from());
            }
            else {
                source.open(new FeedbackContext(name, 0, Seeds.derive(seed, "open")));
                List<LabelledPair> all = preferences(arm, source, seed);
                List<List<LabelledPair>> split = split(all, arm.config().preferences(), seed);
                train = split.get(0);
                heldOut = split.get(1);
                summary.set("preferences", reports.preferences(all, warnings, name));
            }

            Optional<ScalarModels> rewardModel = Optional.empty();
            if (rewardModelConfig.isPresent() && rewardModelConfig.get().reused()) {
                String from = rewardModelConfig.get().from();
                rewardModel = earlier.get(from).rewardModel();
                summary.put("reward_model_from", from);
            }
            else if (rewardModelConfig.isPresent()) {
                RewardModelConfig config = rewardModelConfig.get();
                List<TransformerWeights> members = ScalarModelTrainer.train(shared.sft(), rewardPairs(train), config,
                        PairObjective.reward(config), setting(name, "reward_model", seed));
                rewardModel = Optional.of(new ScalarModels("reward-model", members, shared.encoder(), config.conservative(),
                        config.pooling() == RewardModelConfig.Pooling.MEAN, shared.workers()));
                summary.set("reward_model", reports.rewardModel(rewardModel.get(), heldOut, warnings, name));
            }
            Optional<ScalarModels> costModel = Optional.empty();
            if (arm.config().costModel().isPresent() && arm.config().costModel().get().reused()) {
                String from = arm.config().costModel().get().from();
                costModel = earlier.get(from).costModel();
                summary.put("cost_model_from", from);
            }
            else if (arm.config().costModel().isPresent()) {
                RewardModelConfig config = arm.config().costModel().get();
                List<ScalarPair> pairs = costPairs(train);
                if (pairs.isEmpty()) {
                    throw new IllegalStateException("arm '" + name + "': cost_model needs safety labels, and feedback "
                            + summary.get("feedback").asText() + " gave none (a source that judges safety, e.g. "
                            + "simulated-annotators with scorer: task on a task with a gold cost)");
                }
                List<TransformerWeights> members = ScalarModelTrainer.train(shared.sft(), pairs, config, PairObjective.cost(config),
                        setting(name, "cost_model", seed));
                costModel = Optional.of(new ScalarModels("cost-model", members, shared.encoder(), config.conservative(),
                        config.pooling() == RewardModelConfig.Pooling.MEAN, shared.workers()));
                summary.set("cost_model", reports.costModel(costModel.get(), heldOut, warnings, name));
            }

            TransformerWeights policy = shared.sft();
            ArmTraining training = new ArmTraining(0, 0, 0);
            if (algorithm.isPresent()) {
                policy = shared.sft().copy();
                Optional<RewardFunction> rewards = rewards(rewardModel, costModel);
                if ((rewards.isEmpty() || arm.config().rewardMix().isPresent()) && source != null && source.givesScores()) {
                    // a source that scores is the reward seam itself (an AI judge, a rule, a discriminator), with a share of
                    // the reward model's reward mixed in when the arm asks for it
                    RewardFunction scores = new FeedbackSourceReward(arm.feedbackType(), source, name, Seeds.derive(seed, "rewards"));
                    rewards = Optional.of(rewards.isEmpty() ? scores : new MixedReward(scores, rewards.get(), arm.config().rewardMix().get()));
                }
                rewards.ifPresent(seam -> summary.put("rewards", seam.describe()));
                training = ((PolicyAlgorithm) algorithm.get()).train(context(name, seed, policy, train, rewards,
                        rewardModel.map(m -> m.members().get(0)), costModel.map(m -> m.members().get(0))));
                overOptimisation(name, summary, warnings);
            }

            List<PolicySample> samples = algorithm.isPresent()
                    ? shared.evaluator().sample(policy, shared.evalSeed()) : shared.sftEvaluation().samples();
            Evaluation evaluation = shared.evaluator().evaluate(samples, policy, shared.reference(),
                    shared.sftEvaluation().samples(), rewardModel.map(m -> (ResponseScorer) m), costModel.map(m -> (ResponseScorer) m));
            writeEvaluationLine(name, training.steps(), evaluation);
            fillSummary(summary, evaluation, training, warnings, name);
            if (source != null) {
                feedbackMetrics(name, training.steps(), source.metrics(), summary);
            }
            summary.put("wall_seconds", (System.nanoTime() - started) / 1e9);
            shared.log().printf("Arm %s: gold reward %.3f (SFT %.3f), gold cost %.3f, KL %.2f, win rate vs SFT %.3f, %.1f tokens%n",
                    name, evaluation.report().goldReward(), shared.sftEvaluation().report().goldReward(), evaluation.report().goldCost(),
                    evaluation.report().klToReference(), evaluation.report().winRateVsSft(), evaluation.report().responseTokens());
            shared.log().flush();
            return new Outcome(summary, algorithm.isPresent() ? samples : List.of(), train, heldOut, warnings, rewardModel, costModel);
        }
        finally {
            if (source != null) {
                source.close();
            }
        }
    }

    private static String feedbackType(ArmPlan arm, Map<String, Outcome> earlier) {
        if (arm.config().preferences().reused()) {
            Outcome from = earlier.get(arm.config().preferences().from());
            if (from == null) {
                throw new IllegalStateException("arm '" + arm.name() + "' reuses the preferences of '"
                        + arm.config().preferences().from() + "', which has not run");
            }
            return from.summary().path("feedback").asText();
        }
        return arm.feedbackType();
    }

    private static Optional<Algorithm> createAlgorithm(ArmPlan arm, PluginContext context) {
        Optional<Algorithm> algorithm;
        try {
            algorithm = arm.createAlgorithm(context);
        }
        catch (UnsupportedOperationException | IllegalArgumentException e) {
            throw new RunDirectoryException("arm '" + arm.name() + "' (algorithm type " + arm.algorithmType() + "): " + e.getMessage());
        }
        if (algorithm.isPresent() && !(algorithm.get() instanceof PolicyAlgorithm)) {
            throw new RunDirectoryException("arm '" + arm.name() + "': algorithm type " + arm.algorithmType()
                    + " does not build a trainer this engine runs (" + PolicyAlgorithm.class.getName() + ")");
        }
        if (algorithm.isPresent() && algorithm.get().input() == Algorithm.Input.REWARDS && arm.config().rewardModel().isEmpty()
                && arm.config().feedback().isEmpty()) {
            throw new RunDirectoryException("arm '" + arm.name() + "': algorithm type " + arm.algorithmType()
                    + " learns from rewards: give the arm a reward_model (or a feedback source that scores)");
        }
        return algorithm;
    }

    /** Checks, before any work, that every arm can be built: its algorithm and feedback source. */
    static void preflight(List<ArmPlan> arms, PluginContext context) {
        for (ArmPlan arm : arms) {
            createAlgorithm(arm, context);
            if (arm.config().feedback().isPresent()) {
                try (FeedbackSource source = createSource(arm, context)) {
                    if (arm.config().rewardMix().isPresent() && !source.givesScores()) {
                        throw new RunDirectoryException("arm '" + arm.name() + "': reward_mix mixes a reward model into the scores of "
                                + "its feedback source, and feedback type " + arm.feedbackType() + " gives no scores");
                    }
                }
            }
        }
    }

    /**
     * The arm's reward model: its {@code reward_model}; or, for an algorithm that learns from rewards whose source gives
     * only preferences (an annotator panel, a dataset), a reward model with the defaults, so that switching
     * {@code feedback.type} between a source that scores (a judge, a discriminator: the reward seam itself) and one that
     * does not is the only change an experiment needs; else none.
     */
    private static Optional<RewardModelConfig> rewardModelConfig(ArmPlan arm, Optional<Algorithm> algorithm, FeedbackSource source) {
        if (arm.config().rewardModel().isPresent()) {
            return arm.config().rewardModel();
        }
        boolean needsRewards = algorithm.isPresent() && algorithm.get().input() == Algorithm.Input.REWARDS;
        return needsRewards && source != null && !source.givesScores() ? Optional.of(RewardModelConfig.defaults()) : Optional.empty();
    }

    private static FeedbackSource createSource(ArmPlan arm, PluginContext context) {
        try {
            return arm.createFeedbackSource(context);
        }
        catch (IllegalArgumentException e) {
            throw new RunDirectoryException("arm '" + arm.name() + "' (feedback type " + arm.feedbackType() + "): " + e.getMessage());
        }
    }

    private List<LabelledPair> preferences(ArmPlan arm, FeedbackSource source, long seed) throws IOException {
        PreferenceCollection collection = new PreferenceCollection(arm.name(), arm.config().preferences(), shared.encoder().tokenizer(),
                shared.task().goldScorer(), shared.task().prompts(Split.TRAIN), Seeds.derive(seed, "preferences"), shared.run(),
                shared.log()).onBatch(shared.progress());
        Optional<List<Preference>> dataset = source.datasetPreferences();
        if (dataset.isPresent()) {
            return collection.fromDataset(dataset.get(), arm.feedbackType());
        }
        // a learning source learnt while it labelled: collect again (seeded, so the same lines) to get its state back
        if (shared.resume() && !source.learnsFromPolicy()) {
            Optional<List<LabelledPair>> done = collection.completed();
            if (done.isPresent()) {
                shared.log().printf("Arm %s: %d preferences read back from %s%n", arm.name(), done.get().size(), RunDirectory.PREFERENCES);
                return done.get();
            }
        }
        return collection.collect(shared.sft(), source, arm.feedbackType());
    }

    /** Training and held-out pairs: a seeded {@code heldout_fraction} of the pairs is held out. */
    static List<List<LabelledPair>> split(List<LabelledPair> all, PreferencesConfig config, long seed) {
        int heldOutCount = (int) Math.floor(all.size() * config.heldoutFraction());
        int[] order = new Rng(Seeds.derive(seed, "heldout")).permutation(all.size());
        boolean[] heldOut = new boolean[all.size()];
        for (int i = 0; i < heldOutCount; i++) {
            heldOut[order[i]] = true;
        }
        List<LabelledPair> train = new ArrayList<>();
        List<LabelledPair> held = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            (heldOut[i] ? held : train).add(all.get(i));
        }
        return List.of(train, held);
    }

    /** Reward-model pairs: chosen first, target 1 (0.5 for a tie). */
    static List<ScalarPair> rewardPairs(List<LabelledPair> pairs, SequenceEncoder encoder) {
        List<ScalarPair> out = new ArrayList<>(pairs.size());
        for (LabelledPair pair : pairs) {
            out.add(new ScalarPair(encoder.encode(pair.prompt(), pair.chosen()), encoder.encode(pair.prompt(), pair.rejected()),
                    pair.tie() ? 0.5 : 1.0, 0, 0));
        }
        return out;
    }

    private List<ScalarPair> rewardPairs(List<LabelledPair> pairs) {
        return rewardPairs(pairs, shared.encoder());
    }

    /** Cost-model pairs of the pairs with a safety label: safer first, signs from the per-response verdicts. */
    static List<ScalarPair> costPairs(List<LabelledPair> pairs, SequenceEncoder encoder) {
        List<ScalarPair> out = new ArrayList<>();
        for (LabelledPair pair : pairs) {
            if (pair.safety().isEmpty()) {
                continue;
            }
            SafetyLabel safety = pair.safety().get();
            boolean bSafer = safety.safer() == Choice.B;
            String safer = bSafer ? pair.responseB() : pair.responseA();
            String unsafer = bSafer ? pair.responseA() : pair.responseB();
            Optional<Boolean> saferSafe = bSafer ? safety.responseBSafe() : safety.responseASafe();
            Optional<Boolean> unsaferSafe = bSafer ? safety.responseASafe() : safety.responseBSafe();
            out.add(new ScalarPair(encoder.encode(pair.prompt(), safer), encoder.encode(pair.prompt(), unsafer),
                    safety.safer() == Choice.TIE ? 0 : 1, sign(saferSafe), sign(unsaferSafe)));
        }
        return out;
    }

    private List<ScalarPair> costPairs(List<LabelledPair> pairs) {
        return costPairs(pairs, shared.encoder());
    }

    private static double sign(Optional<Boolean> safe) {
        return safe.map(s -> s ? -1.0 : 1.0).orElse(0.0);
    }

    private ScalarModelTrainer.Setting setting(String arm, String phase, long seed) {
        return new ScalarModelTrainer.Setting(arm, phase, Seeds.derive(seed, phase), shared.workers(), shared.resume(), shared.run(),
                p -> shared.run().armCheckpoints(arm, p), shared.configJson(), shared.log(), shared.progress());
    }

    private static Optional<RewardFunction> rewards(Optional<ScalarModels> rewardModel, Optional<ScalarModels> costModel) {
        if (rewardModel.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(costModel.isPresent() ? new RewardAndCost(rewardModel.get(), costModel.get()) : rewardModel.get());
    }

    private ArmContext context(String arm, long seed, TransformerWeights policy, List<LabelledPair> train,
            Optional<RewardFunction> rewards, Optional<TransformerWeights> rewardModel, Optional<TransformerWeights> costModel) {
        return new ArmContext() {
            @Override
            public Optional<TransformerWeights> rewardModel() {
                return rewardModel;
            }

            @Override
            public Optional<TransformerWeights> costModel() {
                return costModel;
            }

            @Override
            public String arm() {
                return arm;
            }

            @Override
            public TransformerWeights policy() {
                return policy;
            }

            @Override
            public TransformerWeights reference() {
                return shared.reference();
            }

            @Override
            public SequenceEncoder encoder() {
                return shared.encoder();
            }

            @Override
            public List<String> trainPrompts() {
                return shared.task().prompts(Split.TRAIN);
            }

            @Override
            public List<LabelledPair> preferences() {
                return train;
            }

            @Override
            public Optional<RewardFunction> rewards() {
                return rewards;
            }

            @Override
            public GoldMonitor goldMonitor() {
                return rewards.<GoldMonitor>map(seam -> (phase, step) -> measure(arm, seam, policy, phase, step)).orElse(GoldMonitor.NONE);
            }

            @Override
            public long seed() {
                return Seeds.derive(seed, "algorithm");
            }

            @Override
            public int workers() {
                return shared.workers();
            }

            @Override
            public boolean resume() {
                return shared.resume();
            }

            @Override
            public ProgressListener progress() {
                return shared.progress();
            }

            @Override
            public TrainingLoop.MetricsSink metrics() {
                return shared.run();
            }

            @Override
            public CheckpointStore checkpoints(String phase) throws IOException {
                return shared.run().armCheckpoints(arm, phase);
            }

            @Override
            public String configJson() {
                return shared.configJson();
            }

            @Override
            public PrintWriter log() {
                return shared.log();
            }
        };
    }

    /** Prompts and samples per prompt of a gold monitor measurement (the first EVAL prompts). */
    private static final int MONITOR_PROMPTS = 16;
    private static final int MONITOR_SAMPLES = 2;

    /** One gold-monitor measurement: the policy's mean gold and proxy reward on held-out prompts, as a metrics line. */
    private void measure(String arm, RewardFunction seam, TransformerWeights policy, String phase, long step) {
        List<String> prompts = shared.evaluator().prompts();
        Evaluator monitor = new Evaluator(shared.task().goldScorer(), shared.encoder().tokenizer(),
                prompts.subList(0, Math.min(MONITOR_PROMPTS, prompts.size())),
                new Evaluator.Settings(MONITOR_SAMPLES, 40, 1.0, 0, 1.0, 64));
        List<PolicySample> samples = monitor.sample(policy, Seeds.derive(shared.evalSeed(), "monitor", arm, Long.toString(step)));
        double[] proxy = seam.score(samples.stream().map(sample -> new org.rlhf4j.api.feedback.Completion(sample.prompt(),
                sample.response())).toList()).rewards();
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("arm", arm);
        line.put("phase", phase);
        line.put("step", step);
        line.put("monitor/gold_reward", samples.stream().mapToDouble(PolicySample::goldReward).average().orElse(Double.NaN));
        line.put("monitor/proxy_reward", java.util.Arrays.stream(proxy).average().orElse(Double.NaN));
        line.put("monitor/gold_cost", samples.stream().mapToDouble(PolicySample::goldCost).average().orElse(Double.NaN));
        shared.run().append(line);
    }

    /**
     * The arm's gold-monitor measurements from {@code metrics.jsonl} (so a resumed run sees those before the crash)
     * into the summary, and a warning when the proxy kept rising after gold's peak while gold fell from it.
     */
    private void overOptimisation(String arm, ObjectNode summary, List<String> warnings) throws IOException {
        List<com.fasterxml.jackson.databind.JsonNode> lines = shared.run().metricsLines().stream()
                .filter(line -> arm.equals(line.path("arm").asText()) && line.has("monitor/gold_reward")).toList();
        if (lines.isEmpty()) {
            return;
        }
        com.fasterxml.jackson.databind.node.ArrayNode node = summary.putArray("gold_monitor");
        List<OverOptimisation.Point> points = new ArrayList<>();
        for (com.fasterxml.jackson.databind.JsonNode line : lines) {
            OverOptimisation.Point point = new OverOptimisation.Point(line.get("step").asLong(),
                    line.get("monitor/gold_reward").asDouble(), line.get("monitor/proxy_reward").asDouble());
            points.add(point);
            node.addObject().put("step", point.step()).put("gold_reward", point.goldReward()).put("proxy_reward", point.proxyReward());
        }
        OverOptimisation.warning(arm, points).ifPresent(warnings::add);
    }

    /**
     * What the feedback source measured about itself over the whole arm (preferences and rewards), e.g. an AI judge's
     * cache hits and self-consistency: one {@code metrics.jsonl} line (phase {@code feedback}) and the summary's
     * {@code feedback_metrics}.
     */
    private void feedbackMetrics(String arm, long step, Map<String, Double> metrics, ObjectNode summary) {
        if (metrics.isEmpty()) {
            return;
        }
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("step", step);
        line.put("arm", arm);
        line.put("phase", "feedback");
        line.putAll(metrics);
        shared.run().append(line);
        ObjectNode node = summary.putObject("feedback_metrics");
        metrics.forEach(node::put);
    }

    private void writeEvaluationLine(String arm, long step, Evaluation evaluation) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("step", step);
        line.put("arm", arm);
        line.put("phase", "eval");
        evaluation.figures().forEach((name, value) -> line.put("eval/" + name, value));
        shared.run().append(line);
    }

    private void fillSummary(ObjectNode summary, Evaluation evaluation, ArmTraining training, List<String> warnings, String arm) {
        Evaluation sft = shared.sftEvaluation();
        summary.put("gold_reward_sft", sft.report().goldReward());
        summary.put("gold_reward_final", evaluation.report().goldReward());
        summary.put("gold_cost_sft", sft.report().goldCost());
        summary.put("gold_cost_final", evaluation.report().goldCost());
        summary.put("kl_to_reference", evaluation.report().klToReference());
        summary.put("win_rate_vs_sft", evaluation.report().winRateVsSft());
        summary.put("steps", training.steps());
        summary.put("skipped_steps", training.skippedSteps());
        summary.put("train_seconds", training.seconds());
        ObjectNode figures = summary.putObject("evaluation");
        evaluation.putFigures(figures);
        double sftTokens = sft.report().responseTokens();
        double tokens = evaluation.report().responseTokens();
        if (sftTokens > 0 && Math.abs(tokens - sftTokens) / sftTokens > 0.3) {
            warnings.add(String.format("arm %s: length drift, %.1f response tokens against SFT's %.1f", arm, tokens, sftTokens));
        }
        if (training.skippedSteps() > 0) {
            warnings.add("arm " + arm + ": " + training.skippedSteps() + " training steps skipped for a non-finite loss or gradient");
        }
    }
}
