package org.rlhf4j.experiment;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.rlhf4j.algorithms.preference.LabelledPair;
import org.rlhf4j.algorithms.reward.FeedbackSourceReward;
import org.rlhf4j.algorithms.reward.MixedReward;
import org.rlhf4j.algorithms.reward.RewardAndCost;
import org.rlhf4j.algorithms.reward.RewardFunction;
import org.rlhf4j.algorithms.reward.ScalarModels;
import org.rlhf4j.algorithms.rewardmodel.PairObjective;
import org.rlhf4j.algorithms.rewardmodel.ScalarModelTrainer;
import org.rlhf4j.algorithms.rewardmodel.ScalarPair;
import org.rlhf4j.algorithms.spi.ArmContext;
import org.rlhf4j.algorithms.spi.ArmTraining;
import org.rlhf4j.algorithms.spi.GoldMonitor;
import org.rlhf4j.algorithms.spi.PolicyAlgorithm;
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
import org.rlhf4j.engine.checkpoint.CheckpointStore;
import org.rlhf4j.engine.metrics.MetricsLog;
import org.rlhf4j.engine.model.TransformerWeights;
import org.rlhf4j.engine.random.Rng;
import org.rlhf4j.engine.random.Seeds;
import org.rlhf4j.engine.tokenizer.SequenceEncoder;
import org.rlhf4j.engine.train.ProgressListener;
import org.rlhf4j.engine.train.TrainingLoop;

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
 * With {@code rounds: N > 1} (iterated RLHF, Safe RLHF's rounds, iterative DPO) round 1 is the above up to the
 * algorithm; each round {@code r > 1} then collects {@code preferences.pairs} fresh pairs on the current policy's
 * samples (lines with {@code round: r}), splits them as round 1's, retrains the reward and cost models from the SFT
 * backbone on the training pairs of every round so far (measured on every held-out pair so far), and continues the
 * algorithm on the same policy with its configured budget (a fresh optimizer, schedule and critic; DPO on the round's
 * new pairs; the frozen SFT policy stays the reference). Each round ({@link ArmRound}) has its own seed (the arm's for round
 * 1), checkpoints ({@code checkpoints/arms/<arm>/round-r/<phase>}) and metrics lines ({@link RoundSink}); the policy is
 * evaluated after every round, into the summary's {@code rounds}.
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
        int rounds = arm.config().rounds();
        List<String> warnings = new ArrayList<>();
        ObjectNode summary = JSON.createObjectNode();
        summary.put("name", name);
        summary.put("feedback", feedbackType(arm, earlier));
        summary.put("algorithm", arm.algorithmType());
        Optional<Algorithm> algorithm = createAlgorithm(arm, shared.pluginContext());
        FeedbackSource source = arm.config().preferences().reused() ? null : createSource(arm, shared.pluginContext());
        Optional<RewardModelConfig> rewardModelConfig = rewardModelConfig(arm, algorithm, source);
        shared.log().printf("Arm %s: feedback %s, reward model %s, cost model %s, algorithm %s%s%n", name, summary.get("feedback").asText(),
                rewardModelConfig.isEmpty() ? "no" : arm.config().rewardModel().isPresent() ? "yes" : "yes (the defaults: the source "
                        + "gives only preferences)", arm.config().costModel().isPresent() ? "yes" : "no", arm.algorithmType(),
                rounds > 1 ? ", " + rounds + " rounds" : "");
        shared.log().flush();
        try {
            List<LabelledPair> all;
            List<LabelledPair> train;
            List<LabelledPair> heldOut;
            if (arm.config().preferences().reused()) {
                Outcome from = earlier.get(arm.config().preferences().from());
                train = from.trainPreferences();
                heldOut = from.heldOutPreferences();
                all = List.of();
                summary.put("preferences_from", arm.config().preferences().from());
            }
            else {
                source.open(new FeedbackContext(name, 0, Seeds.derive(seed, "open")));
                all = preferences(arm, source, seed, ArmRound.of(1, rounds, seed, shared.run()).collectionRound(), shared.sft());
                List<List<LabelledPair>> split = split(all, arm.config().preferences(), seed);
                train = split.get(0);
                heldOut = split.get(1);
                summary.set("preferences", reports.preferences(all, rounds > 1 ? new ArrayList<>() : warnings, name));
            }
            ArmRound round = ArmRound.of(1, rounds, seed, shared.run());
            Models models = models(arm, round, rewardModelConfig, train, heldOut, earlier, summary, warnings);

            TransformerWeights policy = shared.sft();
            ArmTraining training = new ArmTraining(0, 0, 0);
            List<ObjectNode> roundEntries = new ArrayList<>();
            List<LabelledPair> roundPairs = all;
            List<LabelledPair> roundTrain = train;
            if (algorithm.isPresent()) {
                policy = shared.sft().copy();
                List<LabelledPair> allRounds = new ArrayList<>(all);
                for (int r = 1; r <= rounds; r++) {
                    if (r > 1) {
                        // a fresh round: new pairs on the current policy, the models retrained on every pair so far
                        round = ArmRound.of(r, rounds, seed, shared.run());
                        roundPairs = preferences(arm, source, round.seed(), round.collectionRound(), policy);
                        List<List<LabelledPair>> split = split(roundPairs, arm.config().preferences(), round.seed());
                        roundTrain = split.get(0);
                        train = concat(train, roundTrain);
                        heldOut = concat(heldOut, split.get(1));
                        allRounds.addAll(roundPairs);
                        Models previous = models; // the arm's own (rounds > 1 reuses no other arm's models): closed once replaced
                        models = models(arm, round, rewardModelConfig, train, heldOut, earlier, summary, warnings);
                        previous.reward().ifPresent(ScalarModels::close);
                        previous.cost().ifPresent(ScalarModels::close);
                    }
                    Optional<RewardFunction> rewards = rewards(models.reward(), models.cost());
                    if ((rewards.isEmpty() || arm.config().rewardMix().isPresent()) && source != null && source.givesScores()) {
                        // a source that scores is the reward seam itself (an AI judge, a rule, a discriminator), with a share
                        // of the reward model's reward mixed in when the arm asks for it
                        RewardFunction scores = new FeedbackSourceReward(arm.feedbackType(), source, name,
                                Seeds.derive(round.seed(), "rewards"));
                        rewards = Optional.of(rewards.isEmpty() ? scores
                                : new MixedReward(scores, rewards.get(), arm.config().rewardMix().get()));
                    }
                    Optional<RewardFunction> seam = rewards;
                    seam.ifPresent(s -> summary.put("rewards", s.describe()));
                    TrainingLoop.MetricsSink sink = round.algorithmSink(training.steps());
                    ArmTraining done = ((PolicyAlgorithm) algorithm.get()).train(context(name, round, sink, policy, roundTrain, seam,
                            models.reward().map(m -> m.members().get(0)), models.cost().map(m -> m.members().get(0))));
                    training = training.plus(done);
                    if (rounds > 1) {
                        roundEntries.add(reports.round(r, roundPairs, summary, done));
                        if (r < rounds) {
                            Evaluation between = evaluate(policy, true, models);
                            writeEvaluationLine(name, round.sink(), training.steps(), between);
                            ArmReports.putEvaluation(roundEntries.get(r - 1), between);
                            shared.log().printf("Arm %s, round %d of %d: gold reward %.3f, KL %.2f, win rate vs SFT %.3f%n", name, r,
                                    rounds, between.report().goldReward(), between.report().klToReference(),
                                    between.report().winRateVsSft());
                            shared.log().flush();
                        }
                    }
                }
                if (rounds > 1) {
                    summary.set("preferences", reports.preferences(allRounds, warnings, name));
                }
                overOptimisation(name, rounds, summary, warnings);
            }

            Evaluation evaluation = evaluate(policy, algorithm.isPresent(), models);
            writeEvaluationLine(name, round.sink(), training.steps(), evaluation);
            fillSummary(summary, evaluation, training, warnings, name);
            budget(summary, arm, train.size() + heldOut.size(), training);
            if (rounds > 1) {
                ArmReports.putEvaluation(roundEntries.get(rounds - 1), evaluation);
                summary.putArray("rounds").addAll(roundEntries);
            }
            if (source != null) {
                feedbackMetrics(name, training.steps(), source.metrics(), summary);
            }
            summary.put("wall_seconds", (System.nanoTime() - started) / 1e9);
            shared.log().printf("Arm %s: gold reward %.3f (SFT %.3f), gold cost %.3f, KL %.2f, win rate vs SFT %.3f, %.1f tokens%n",
                    name, evaluation.report().goldReward(), shared.sftEvaluation().report().goldReward(), evaluation.report().goldCost(),
                    evaluation.report().klToReference(), evaluation.report().winRateVsSft(), evaluation.report().responseTokens());
            shared.log().flush();
            return new Outcome(summary, algorithm.isPresent() ? evaluation.samples() : List.of(), train, heldOut, warnings,
                    models.reward(), models.cost());
        }
        finally {
            if (source != null) {
                source.close();
            }
        }
    }

    /** An arm's reward and cost models (trained, reused or none) of one round. */
    private record Models(Optional<ScalarModels> reward, Optional<ScalarModels> cost) {}

    /**
     * The arm's reward and cost models of {@code round}: reused from an earlier arm, or trained on {@code train} and
     * measured on {@code heldOut} into the summary ({@code reward_model}, {@code cost_model}: the last round's report; its
     * warnings only from the last round).
     */
    private Models models(ArmPlan arm, ArmRound round, Optional<RewardModelConfig> rewardModelConfig, List<LabelledPair> train,
            List<LabelledPair> heldOut, Map<String, Outcome> earlier, ObjectNode summary, List<String> warnings) throws IOException {
        String name = arm.name();
        List<String> roundWarnings = round.number() == round.of() ? warnings : new ArrayList<>();
        Optional<ScalarModels> rewardModel = Optional.empty();
        if (rewardModelConfig.isPresent() && rewardModelConfig.get().reused()) {
            String from = rewardModelConfig.get().from();
            rewardModel = earlier.get(from).rewardModel();
            summary.put("reward_model_from", from);
        }
        else if (rewardModelConfig.isPresent()) {
            RewardModelConfig config = rewardModelConfig.get();
            List<TransformerWeights> members = ScalarModelTrainer.train(shared.sft(), rewardPairs(train), config,
                    PairObjective.reward(config), setting(name, "reward_model", round));
            rewardModel = Optional.of(new ScalarModels("reward-model", members, shared.encoder(), config.conservative(),
                    config.pooling() == RewardModelConfig.Pooling.MEAN, shared.workers()));
            summary.set("reward_model", reports.rewardModel(rewardModel.get(), heldOut, roundWarnings, name));
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
                    setting(name, "cost_model", round));
            costModel = Optional.of(new ScalarModels("cost-model", members, shared.encoder(), config.conservative(),
                    config.pooling() == RewardModelConfig.Pooling.MEAN, shared.workers()));
            summary.set("cost_model", reports.costModel(costModel.get(), heldOut, roundWarnings, name));
        }
        return new Models(rewardModel, costModel);
    }

    /** The arm's policy on the EVAL prompts (SFT's samples when it has no algorithm: its policy is SFT's). */
    private Evaluation evaluate(TransformerWeights policy, boolean trained, Models models) {
        List<PolicySample> samples = trained ? shared.evaluator().sample(policy, shared.evalSeed()) : shared.sftEvaluation().samples();
        return shared.evaluator().evaluate(samples, policy, shared.reference(), shared.sftEvaluation().samples(),
                models.reward().map(m -> (ResponseScorer) m::score), models.cost().map(m -> (ResponseScorer) m::score));
    }

    private static List<LabelledPair> concat(List<LabelledPair> a, List<LabelledPair> b) {
        List<LabelledPair> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
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
                    if (arm.config().rounds() > 1) {
                        roundsPreflight(arm, source, createAlgorithm(arm, context).orElseThrow());
                    }
                }
            }
        }
    }

    /** Checks that each round of an arm with {@code rounds > 1} can collect fresh pairs and retrain what it learns from. */
    private static void roundsPreflight(ArmPlan arm, FeedbackSource source, Algorithm algorithm) {
        String prefix = "arm '" + arm.name() + "': rounds: " + arm.config().rounds() + " collects fresh preferences on the current "
                + "policy each round, ";
        if (source.datasetPreferences().isPresent()) {
            throw new RunDirectoryException(prefix + "and feedback type " + arm.feedbackType() + " holds a fixed dataset of pairs "
                    + "(mode: pairs): use mode: lookup, or rounds: 1");
        }
        if (source.learnsFromPolicy()) {
            throw new RunDirectoryException(prefix + "and feedback type " + arm.feedbackType() + " learns from the policy already "
                    + "at every step of the algorithm (its state is the arm's rounds): use rounds: 1");
        }
        if (algorithm.input() == Algorithm.Input.REWARDS && arm.config().rewardModel().isEmpty() && source.givesScores()) {
            throw new RunDirectoryException(prefix + "to retrain the reward model on them, and this arm has none: its algorithm "
                    + arm.algorithmType() + " takes the scores of feedback type " + arm.feedbackType() + " directly; give it a "
                    + "reward_model, or use rounds: 1");
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

    /**
     * The arm's preferences of one round ({@code round} 0 for an arm without rounds), sampled from {@code policy}: read
     * back when resuming and all were written, else collected (the same, being seeded).
     */
    private List<LabelledPair> preferences(ArmPlan arm, FeedbackSource source, long seed, int round, TransformerWeights policy)
            throws IOException {
        PreferenceCollection collection = new PreferenceCollection(arm.name(), arm.config().preferences(), shared.encoder().tokenizer(),
                shared.task().goldScorer(), shared.task().prompts(Split.TRAIN), Seeds.derive(seed, "preferences"), shared.run(),
                shared.log()).onBatch(shared.progress());
        if (round > 0) {
            collection.inRound(round);
        }
        Optional<List<Preference>> dataset = source.datasetPreferences();
        if (dataset.isPresent()) {
            return collection.fromDataset(dataset.get(), arm.feedbackType());
        }
        // a learning source learnt while it labelled: collect again (seeded, so the same lines) to get its state back; a
        // source that only counts its work (a judge) gets its state from the file saved after labelling, or, when the run
        // died between the last line and that file, collects again too
        Path stateFile = sourceStateFile(arm.name(), round);
        if (shared.resume() && !source.learnsFromPolicy()) {
            Optional<List<LabelledPair>> done = collection.completed();
            boolean stateful = source.saveState().length > 0;
            if (done.isPresent() && (!stateful || Files.exists(stateFile))) {
                if (stateful) {
                    source.restoreState(Files.readAllBytes(stateFile));
                }
                shared.log().printf("Arm %s: %d preferences%s read back from %s%n", arm.name(), done.get().size(),
                        round > 0 ? " of round " + round : "", RunDirectory.PREFERENCES);
                return done.get();
            }
        }
        List<LabelledPair> collected = collection.collect(policy, source, arm.feedbackType());
        byte[] state = source.saveState();
        if (state.length > 0 && !source.learnsFromPolicy()) {
            Files.createDirectories(stateFile.getParent());
            MetricsLog.writeAtomically(stateFile, state);
        }
        return collected;
    }

    /** A source's state after it labelled: {@code checkpoints/arms/<arm>/[round-r/]preferences/source-state.bin}. */
    private Path sourceStateFile(String arm, int round) {
        return shared.run().checkpointRoot().resolve("arms").resolve(arm)
                .resolve(round > 1 ? "round-" + round + "/preferences" : "preferences").resolve("source-state.bin");
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

    private ScalarModelTrainer.Setting setting(String arm, String phase, ArmRound round) {
        return new ScalarModelTrainer.Setting(arm, phase, Seeds.derive(round.seed(), phase), shared.workers(), shared.resume(),
                round.sink(), p -> shared.run().armCheckpoints(arm, round.phase(p)), shared.configJson(), shared.log(), shared.progress());
    }

    private static Optional<RewardFunction> rewards(Optional<ScalarModels> rewardModel, Optional<ScalarModels> costModel) {
        if (rewardModel.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(costModel.isPresent() ? new RewardAndCost(rewardModel.get(), costModel.get()) : rewardModel.get());
    }

    /**
     * What the algorithm of one round sees: the policy to continue, the round's training pairs, its reward seam and models,
     * its own seed, metrics sink and checkpoints.
     */
    private ArmContext context(String arm, ArmRound round, TrainingLoop.MetricsSink sink, TransformerWeights policy,
            List<LabelledPair> train, Optional<RewardFunction> rewards, Optional<TransformerWeights> rewardModel,
            Optional<TransformerWeights> costModel) {
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
                return rewards.<GoldMonitor>map(seam -> (phase, step) -> measure(arm, seam, policy, phase, step, sink))
                        .orElse(GoldMonitor.NONE);
            }

            @Override
            public long seed() {
                return Seeds.derive(round.seed(), "algorithm");
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
                return sink;
            }

            @Override
            public CheckpointStore checkpoints(String phase) throws IOException {
                return shared.run().armCheckpoints(arm, round.phase(phase));
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
    private void measure(String arm, RewardFunction seam, TransformerWeights policy, String phase, long step,
            TrainingLoop.MetricsSink sink) {
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
        sink.append(line);
    }

    /**
     * The arm's gold-monitor measurements from {@code metrics.jsonl} (so a resumed run sees those before the crash)
     * into the summary, and a warning when the proxy kept rising after gold's peak while gold fell from it; for an arm
     * with rounds, each measurement names its round and each round is judged on its own (its proxy is that round's
     * reward model).
     */
    private void overOptimisation(String arm, int rounds, ObjectNode summary, List<String> warnings) throws IOException {
        List<com.fasterxml.jackson.databind.JsonNode> lines = shared.run().metricsLines().stream()
                .filter(line -> arm.equals(line.path("arm").asText()) && line.has("monitor/gold_reward")).toList();
        if (lines.isEmpty()) {
            return;
        }
        com.fasterxml.jackson.databind.node.ArrayNode node = summary.putArray("gold_monitor");
        for (int round = 1; round <= rounds; round++) {
            List<OverOptimisation.Point> points = new ArrayList<>();
            for (com.fasterxml.jackson.databind.JsonNode line : lines) {
                if (rounds > 1 && RoundSink.roundOf(line) != round) {
                    continue;
                }
                OverOptimisation.Point point = new OverOptimisation.Point(line.get("step").asLong(),
                        line.get("monitor/gold_reward").asDouble(), line.get("monitor/proxy_reward").asDouble());
                points.add(point);
                ObjectNode entry = node.addObject().put("step", point.step());
                if (rounds > 1) {
                    entry.put("round", round);
                }
                entry.put("gold_reward", point.goldReward()).put("proxy_reward", point.proxyReward());
            }
            OverOptimisation.warning(rounds > 1 ? arm + " (round " + round + ")" : arm, points).ifPresent(warnings::add);
        }
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

    private void writeEvaluationLine(String arm, TrainingLoop.MetricsSink sink, long step, Evaluation evaluation) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("step", step);
        line.put("arm", arm);
        line.put("phase", "eval");
        evaluation.figures().forEach((name, value) -> line.put("eval/" + name, value));
        sink.append(line);
    }

    /**
     * What the arm spent, so that arms compare on equal budgets: the preference labels it learnt from (its own, or an
     * earlier arm's it shares), the responses its policy generated while it trained, and its policy's optimizer updates.
     */
    private static void budget(ObjectNode summary, ArmPlan arm, int labels, ArmTraining training) {
        ObjectNode budget = summary.putObject("budget");
        budget.put("labels", labels);
        if (arm.config().preferences().reused()) {
            budget.put("labels_shared_with", arm.config().preferences().from());
        }
        budget.put("rollouts", training.rollouts());
        budget.put("policy_updates", training.policyUpdates());
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
