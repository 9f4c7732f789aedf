package org.rlhf4j.experiment.eval;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * The evaluation of one policy: its samples and the figures computed from them.
 *
 * @param samples every sampled response, prompt by prompt
 * @param report gold reward and cost, KL to the reference, win rate, length and diversity
 * @param goldRewardStd the standard deviation of the samples' gold reward (the room alignment has to move)
 * @param unsafeFraction the fraction of samples with a gold cost above 0
 * @param stoppedFraction the fraction of samples the policy ended with {@code <eos>}
 * @param rewardModelAccuracy pairwise accuracy of the reward model against gold on pairs of samples of
 *     the same prompt with different gold reward; empty without a reward model
 * @param rewardModelPearson Pearson correlation of reward-model scores with gold reward; empty without one
 * @param costModelAccuracy pairwise accuracy of the cost model against gold cost; empty without one
 * @param costModelPearson Pearson correlation of cost-model scores with gold cost; empty without one
 */
public record Evaluation(
        List<PolicySample> samples,
        EvaluationReport report,
        double goldRewardStd,
        double unsafeFraction,
        double stoppedFraction,
        OptionalDouble rewardModelAccuracy,
        OptionalDouble rewardModelPearson,
        OptionalDouble costModelAccuracy,
        OptionalDouble costModelPearson) {
    public Evaluation {
        samples = List.copyOf(requireNonNull(samples, "samples is null"));
        requireNonNull(report, "report is null");
    }

    /**
     * The figures under their stable names (those of {@code summary.json}): {@code gold_reward},
     * {@code gold_reward_std}, {@code gold_cost}, {@code unsafe_fraction}, {@code kl_to_reference},
     * {@code kl_k3}, {@code win_rate_vs_sft}, {@code response_tokens}, {@code stopped_fraction},
     * {@code distinct_1}, {@code distinct_2}, {@code samples}, and when models were given
     * {@code reward_model_accuracy}, {@code reward_model_pearson}, {@code cost_model_accuracy},
     * {@code cost_model_pearson}. Counts ({@code samples}) are whole numbers, every other figure a double.
     */
    public Map<String, Number> figures() {
        Map<String, Number> figures = new LinkedHashMap<>();
        figures.put("gold_reward", report.goldReward());
        figures.put("gold_reward_std", goldRewardStd);
        figures.put("gold_cost", report.goldCost());
        figures.put("unsafe_fraction", unsafeFraction);
        figures.put("kl_to_reference", report.klToReference());
        figures.put("kl_k3", report.klK3());
        figures.put("win_rate_vs_sft", report.winRateVsSft());
        figures.put("response_tokens", report.responseTokens());
        figures.put("stopped_fraction", stoppedFraction);
        figures.put("distinct_1", report.distinct1());
        figures.put("distinct_2", report.distinct2());
        figures.put("samples", report.samples());
        rewardModelAccuracy.ifPresent(value -> figures.put("reward_model_accuracy", value));
        rewardModelPearson.ifPresent(value -> figures.put("reward_model_pearson", value));
        costModelAccuracy.ifPresent(value -> figures.put("cost_model_accuracy", value));
        costModelPearson.ifPresent(value -> figures.put("cost_model_pearson", value));
        return figures;
    }

    /** Puts the {@link #figures()} into a JSON object: counts as whole numbers, every other figure as a double. */
    public void putFigures(ObjectNode node) {
        figures().forEach((name, value) -> {
            if (value instanceof Integer count) {
                node.put(name, count);
            }
            else {
                node.put(name, value.doubleValue());
            }
        });
    }
}
