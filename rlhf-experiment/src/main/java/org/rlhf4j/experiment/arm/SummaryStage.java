package org.rlhf4j.experiment.arm;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.rlhf4j.algorithms.spi.ArmTraining;
import org.rlhf4j.api.config.ArmPlan;
import org.rlhf4j.engine.model.TransformerWeights;
import org.rlhf4j.engine.train.TrainingLoop;
import org.rlhf4j.experiment.eval.Evaluation;
import org.rlhf4j.experiment.eval.PolicySample;
import org.rlhf4j.experiment.eval.ResponseScorer;

/**
 * The summary stage of an arm: evaluates its policy on the EVAL prompts like SFT's (with the same sampling seed), writes
 * the evaluation's metrics line, and fills the arm's entry of {@code summary.json}: the gold figures, its training, its
 * budget, what its feedback source measured about itself, and warnings on length drift and skipped steps.
 */
final class SummaryStage {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final RunContext run;

    SummaryStage(RunContext run) {
        this.run = requireNonNull(run, "run is null");
    }

    /** The arm's policy on the EVAL prompts (SFT's samples when it has no algorithm: its policy is SFT's). */
    Evaluation evaluate(TransformerWeights policy, boolean trained, ArmModels models) {
        List<PolicySample> samples = trained ? run.evaluator().sample(policy, run.evalSeed()) : run.sftEvaluation().samples();
        return run.evaluator().evaluate(samples, policy, run.reference(), run.sftEvaluation().samples(),
                models.reward().map(m -> (ResponseScorer) m::score), models.cost().map(m -> (ResponseScorer) m::score));
    }

    /** The evaluation's {@code eval/...} metrics line at the arm's step. */
    void writeEvaluationLine(String arm, TrainingLoop.MetricsSink sink, long step, Evaluation evaluation) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("step", step);
        line.put("arm", arm);
        line.put("phase", "eval");
        evaluation.figures().forEach((name, value) -> line.put("eval/" + name, value));
        sink.append(line);
    }

    /** The arm's figures against SFT's, its training, and the warnings they raise. */
    void fill(ObjectNode summary, Evaluation evaluation, ArmTraining training, List<String> warnings, String arm) {
        Evaluation sft = run.sftEvaluation();
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

    /**
     * What the arm spent, so that arms compare on equal budgets: the preference labels it learnt from (its own, or an
     * earlier arm's it shares, and those its feedback source gave while the algorithm trained: {@code labels_in_training}),
     * the responses its policy generated while it trained, and its policy's optimizer updates.
     */
    static void budget(ObjectNode summary, ArmPlan arm, int labels, ArmTraining training) {
        ObjectNode budget = summary.putObject("budget");
        budget.put("labels", labels + training.labels());
        if (training.labels() > 0) {
            budget.put("labels_in_training", training.labels());
        }
        if (arm.config().preferences().reused()) {
            budget.put("labels_shared_with", arm.config().preferences().from());
        }
        budget.put("rollouts", training.rollouts());
        budget.put("policy_updates", training.policyUpdates());
    }

    /**
     * What the feedback source measured about itself over the whole arm (preferences and rewards), e.g. an AI judge's
     * cache hits and self-consistency: one {@code metrics.jsonl} line (phase {@code feedback}) and the summary's
     * {@code feedback_metrics}. A resumed run keeps the line an earlier attempt wrote for an arm it had finished (in its
     * place: the same numbers, as the source's state resumed exactly), and replaces one that differs.
     */
    void feedbackMetrics(String arm, long step, Map<String, Double> metrics, ObjectNode summary) throws IOException {
        if (metrics.isEmpty()) {
            return;
        }
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("step", step);
        line.put("arm", arm);
        line.put("phase", "feedback");
        line.putAll(metrics);
        java.util.function.Predicate<JsonNode> earlier = l -> arm.equals(l.path("arm").asText())
                && "feedback".equals(l.path("phase").asText());
        List<JsonNode> written = run.resume() ? run.run().metricsLines().stream().filter(earlier).toList() : List.of();
        boolean kept = written.size() == 1
                && JSON.writeValueAsString(written.get(0)).equals(JSON.writeValueAsString(JSON.valueToTree(line)));
        if (!kept) {
            if (!written.isEmpty()) {
                run.run().dropMetrics(earlier);
            }
            run.run().append(line);
        }
        ObjectNode node = summary.putObject("feedback_metrics");
        metrics.forEach(node::put);
    }
}
