package org.rlhf4j.experiment.arm;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.rlhf4j.algorithms.reward.RewardFunction;
import org.rlhf4j.algorithms.spi.GoldMonitor;
import org.rlhf4j.api.feedback.Completion;
import org.rlhf4j.engine.model.TransformerWeights;
import org.rlhf4j.engine.random.Seeds;
import org.rlhf4j.engine.train.TrainingLoop;
import org.rlhf4j.experiment.eval.Evaluator;
import org.rlhf4j.experiment.eval.PolicySample;

/**
 * The monitor stage: measures the policy being trained against the task's gold scorer beside its proxy reward while an
 * online algorithm runs ({@link GoldMonitor}: the algorithm asks, never sees the figures), and, after the arm trained,
 * reads the measurements back from {@code metrics.jsonl} into the summary's {@code gold_monitor} with an
 * over-optimisation warning when the proxy kept rising after gold's peak while gold fell from it.
 */
final class MonitorStage {
    /** Prompts and samples per prompt of a gold monitor measurement (the first EVAL prompts). */
    private static final int MONITOR_PROMPTS = 16;
    private static final int MONITOR_SAMPLES = 2;

    private final RunContext run;

    MonitorStage(RunContext run) {
        this.run = requireNonNull(run, "run is null");
    }

    /** The gold monitor of {@code policy} while it trains on {@code seam}, its lines into {@code sink}. */
    GoldMonitor monitor(String arm, RewardFunction seam, TransformerWeights policy, TrainingLoop.MetricsSink sink) {
        return (phase, step) -> measure(arm, seam, policy, phase, step, sink);
    }

    /** One measurement: the policy's mean gold and proxy reward on held-out prompts, as a metrics line. */
    private void measure(String arm, RewardFunction seam, TransformerWeights policy, String phase, long step,
            TrainingLoop.MetricsSink sink) {
        List<String> prompts = run.evaluator().prompts();
        Evaluator monitor = new Evaluator(run.task().goldScorer(), run.encoder().tokenizer(),
                prompts.subList(0, Math.min(MONITOR_PROMPTS, prompts.size())),
                new Evaluator.Settings(MONITOR_SAMPLES, 40, 1.0, 0, 1.0, 64));
        List<PolicySample> samples = monitor.sample(policy, Seeds.derive(run.evalSeed(), "monitor", arm, Long.toString(step)));
        double[] proxy = seam.score(samples.stream().map(sample -> new Completion(sample.prompt(), sample.response())).toList())
                .rewards();
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("arm", arm);
        line.put("phase", phase);
        line.put("step", step);
        line.put("monitor/gold_reward", samples.stream().mapToDouble(PolicySample::goldReward).average().orElse(Double.NaN));
        line.put("monitor/proxy_reward", Arrays.stream(proxy).average().orElse(Double.NaN));
        line.put("monitor/gold_cost", samples.stream().mapToDouble(PolicySample::goldCost).average().orElse(Double.NaN));
        sink.append(line);
    }

    /**
     * The arm's measurements from {@code metrics.jsonl} (so a resumed run sees those before the crash) into the
     * summary, and a warning when the proxy kept rising after gold's peak while gold fell from it; for an arm with
     * rounds, each measurement names its round and each round is judged on its own (its proxy is that round's reward
     * model).
     */
    void summarise(String arm, int rounds, ObjectNode summary, List<String> warnings) throws IOException {
        List<JsonNode> lines = run.run().metricsLines().stream()
                .filter(line -> arm.equals(line.path("arm").asText()) && line.has("monitor/gold_reward")).toList();
        if (lines.isEmpty()) {
            return;
        }
        ArrayNode node = summary.putArray("gold_monitor");
        for (int round = 1; round <= rounds; round++) {
            List<OverOptimisation.Point> points = new ArrayList<>();
            for (JsonNode line : lines) {
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
}
