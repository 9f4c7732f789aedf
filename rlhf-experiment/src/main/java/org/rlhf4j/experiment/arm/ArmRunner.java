package org.rlhf4j.experiment.arm;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.rlhf4j.algorithms.preference.LabelledPair;
import org.rlhf4j.algorithms.spi.ArmTraining;
import org.rlhf4j.algorithms.spi.PolicyAlgorithm;
import org.rlhf4j.api.config.ArmPlan;
import org.rlhf4j.api.config.RewardModelConfig;
import org.rlhf4j.api.feedback.FeedbackContext;
import org.rlhf4j.api.feedback.FeedbackSource;
import org.rlhf4j.engine.model.TransformerWeights;
import org.rlhf4j.engine.random.Seeds;
import org.rlhf4j.experiment.eval.Evaluation;

/**
 * Runs one arm of a task experiment on top of the SFT policy, as a pipeline of stages, round after round:
 * <ol>
 *   <li><b>pre-flight</b> ({@link ArmParts}): the arm's algorithm and feedback source, built with errors that name them
 *       (the whole run's arms were checked before any work);</li>
 *   <li><b>preferences</b> ({@link PreferenceStage}): labelled by the arm's feedback source on the current policy's
 *       samples, taken from the source's own dataset, or reused from an earlier arm ({@code preferences: {from: ARM}});
 *       split into training and held-out pairs;</li>
 *   <li><b>models</b> ({@link ModelStage}): reward and cost models, when configured, trained on the training pairs so
 *       far and measured on the held-out pairs against gold;</li>
 *   <li><b>algorithm</b> ({@link AlgorithmStage}): trains a copy of the SFT policy ({@link PolicyAlgorithm}) on the
 *       round's pairs or its reward seam, with the <b>monitor</b> ({@link MonitorStage}) measuring gold beside the
 *       proxy while it trains;</li>
 *   <li><b>summary</b> ({@link SummaryStage}): the arm's policy evaluated on the EVAL prompts like SFT's, with the
 *       same sampling seed, into the arm's entry of {@code summary.json}.</li>
 * </ol>
 * With {@code rounds: N > 1} (iterated RLHF, Safe RLHF's rounds, iterative DPO) the preferences, models and algorithm
 * stages repeat: each round {@code r > 1} collects {@code preferences.pairs} fresh pairs on the current policy's samples
 * (lines with {@code round: r}), retrains the reward and cost models from the SFT backbone on the training pairs of every
 * round so far (measured on every held-out pair so far), and continues the algorithm on the same policy with its
 * configured budget (a fresh optimizer, schedule and critic; DPO on the round's new pairs; the frozen SFT policy stays the
 * reference). Each round ({@link ArmRound}) has its own seed (the arm's for round 1), checkpoints
 * ({@code checkpoints/arms/<arm>/round-r/<phase>}) and metrics lines ({@link RoundSink}); the policy is evaluated after
 * every round, into the summary's {@code rounds}. An arm without an algorithm has one round.
 * Each phase is checkpointed; a resumed arm skips what is done and redoes the evaluation.
 */
public final class ArmRunner {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final RunContext run;
    private final ArmReports reports;
    private final PreferenceStage preferenceStage;
    private final ModelStage modelStage;
    private final MonitorStage monitorStage;
    private final AlgorithmStage algorithmStage;
    private final SummaryStage summaryStage;

    public ArmRunner(RunContext run) {
        this.run = requireNonNull(run, "run is null");
        this.reports = new ArmReports(run.task().goldScorer(), run.sftEvaluation().samples());
        this.preferenceStage = new PreferenceStage(run);
        this.modelStage = new ModelStage(run, reports);
        this.monitorStage = new MonitorStage(run);
        this.algorithmStage = new AlgorithmStage(run, monitorStage);
        this.summaryStage = new SummaryStage(run);
    }

    /**
     * Runs {@code arm}.
     *
     * @param earlier the outcomes of the arms that ran before it (whose preferences and models it may reuse)
     */
    public ArmOutcome run(ArmPlan arm, Map<String, ArmOutcome> earlier) throws IOException {
        long started = System.nanoTime();
        String name = arm.name();
        long seed = Seeds.derive(run.experimentSeed(), "arm", name);
        int rounds = arm.config().rounds();
        List<String> warnings = new ArrayList<>();
        ObjectNode summary = JSON.createObjectNode();
        summary.put("name", name);
        summary.put("feedback", ArmParts.feedbackType(arm, earlier));
        summary.put("algorithm", arm.algorithmType());
        Optional<PolicyAlgorithm> algorithm = ArmParts.algorithm(arm, run.pluginContext());
        boolean reused = arm.config().preferences().reused();
        FeedbackSource source = reused ? null : ArmParts.source(arm, run.pluginContext());
        Optional<RewardModelConfig> rewardModelConfig = ArmParts.rewardModelConfig(arm, algorithm, source);
        run.say("Arm %s: feedback %s, reward model %s, cost model %s, algorithm %s%s", name, summary.get("feedback").asText(),
                rewardModelConfig.isEmpty() ? "no" : arm.config().rewardModel().isPresent() ? "yes" : "yes (the defaults: the source "
                        + "gives only preferences)", arm.config().costModel().isPresent() ? "yes" : "no", arm.algorithmType(),
                rounds > 1 ? ", " + rounds + " rounds" : "");
        try {
            if (reused) {
                summary.put("preferences_from", arm.config().preferences().from());
            }
            else {
                source.open(new FeedbackContext(name, 0, Seeds.derive(seed, "open")));
            }
            List<LabelledPair> train = new ArrayList<>();
            List<LabelledPair> heldOut = new ArrayList<>();
            List<LabelledPair> labelled = new ArrayList<>();
            ArmModels models = ArmModels.NONE;
            TransformerWeights policy = run.sft();
            ArmTraining training = new ArmTraining(0, 0, 0);
            List<ObjectNode> roundEntries = new ArrayList<>();
            ArmRound round = null;
            for (int r = 1; r <= (algorithm.isPresent() ? rounds : 1); r++) {
                round = ArmRound.of(r, rounds, seed, run.run());
                RoundPairs pairs = reused ? RoundPairs.reusedFrom(earlier.get(arm.config().preferences().from()))
                        : preferenceStage.pairs(arm, source, round, policy);
                train.addAll(pairs.train());
                heldOut.addAll(pairs.heldOut());
                labelled.addAll(pairs.labelled());
                if (r == 1 && !reused) {
                    summary.set("preferences", reports.preferences(pairs.labelled(), rounds > 1 ? new ArrayList<>() : warnings, name));
                }
                ArmModels previous = models; // a later round's models replace the round before's (rounds > 1 reuses none)
                models = modelStage.models(arm, round, rewardModelConfig, train, heldOut, earlier, summary, warnings);
                if (r > 1) {
                    previous.close();
                }
                if (algorithm.isEmpty()) {
                    break;
                }
                if (r == 1) {
                    policy = run.sft().copy();
                }
                ArmTraining done = algorithmStage.train(arm, algorithm.get(), source, round, policy, pairs.train(), models,
                        training.steps(), summary);
                training = training.plus(done);
                if (rounds > 1) {
                    roundEntries.add(reports.round(r, pairs.labelled(), summary, done));
                    if (r < rounds) {
                        Evaluation between = summaryStage.evaluate(policy, true, models);
                        summaryStage.writeEvaluationLine(name, round.sink(), training.steps(), between);
                        ArmReports.putEvaluation(roundEntries.get(r - 1), between);
                        run.say("Arm %s, round %d of %d: gold reward %.3f, KL %.2f, win rate vs SFT %.3f", name, r, rounds,
                                between.report().goldReward(), between.report().klToReference(), between.report().winRateVsSft());
                    }
                }
            }
            if (algorithm.isPresent()) {
                if (rounds > 1) {
                    summary.set("preferences", reports.preferences(labelled, warnings, name));
                }
                monitorStage.summarise(name, rounds, summary, warnings);
            }

            Evaluation evaluation = summaryStage.evaluate(policy, algorithm.isPresent(), models);
            summaryStage.writeEvaluationLine(name, round.sink(), training.steps(), evaluation);
            summaryStage.fill(summary, evaluation, training, warnings, name);
            SummaryStage.budget(summary, arm, train.size() + heldOut.size(), training);
            if (rounds > 1) {
                ArmReports.putEvaluation(roundEntries.get(rounds - 1), evaluation);
                summary.putArray("rounds").addAll(roundEntries);
            }
            if (source != null) {
                summaryStage.feedbackMetrics(name, training.steps(), source.metrics(), summary);
            }
            summary.put("wall_seconds", (System.nanoTime() - started) / 1e9);
            run.say("Arm %s: gold reward %.3f (SFT %.3f), gold cost %.3f, KL %.2f, win rate vs SFT %.3f, %.1f tokens", name,
                    evaluation.report().goldReward(), run.sftEvaluation().report().goldReward(), evaluation.report().goldCost(),
                    evaluation.report().klToReference(), evaluation.report().winRateVsSft(), evaluation.report().responseTokens());
            return new ArmOutcome(summary, algorithm.isPresent() ? evaluation.samples() : List.of(), train, heldOut, warnings, models);
        }
        finally {
            if (source != null) {
                source.close();
            }
        }
    }
}
