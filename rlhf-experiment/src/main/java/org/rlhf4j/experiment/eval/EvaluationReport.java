package org.rlhf4j.experiment.eval;

import static java.util.Objects.requireNonNull;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.rlhf4j.api.task.GoldScorer;

/**
 * The evaluation of one policy on a fixed held-out prompt set.
 *
 * @param samples the number of (prompt, response) samples
 * @param goldReward the mean gold reward of the policy's responses
 * @param goldCost the mean gold cost of the policy's responses
 * @param klToReference {@link KlEstimator#K1} summed over response tokens, averaged over samples ("the" KL)
 * @param klK3 {@link KlEstimator#K3} summed over response tokens, averaged over samples
 * @param winRateVsSft {@link WinRate} by gold reward against the SFT policy's responses to the same prompts;
 *        {@code NaN} when no SFT responses were given
 * @param responseTokens the mean response length in {@link Diversity#tokens(String) tokens}
 * @param distinct1 {@link Diversity#distinctN distinct-1} over all responses
 * @param distinct2 {@link Diversity#distinctN distinct-2} over all responses
 */
public record EvaluationReport(
        int samples,
        double goldReward,
        double goldCost,
        double klToReference,
        double klK3,
        double winRateVsSft,
        double responseTokens,
        double distinct1,
        double distinct2) {
    /**
     * Evaluates a policy's responses.
     *
     * @param gold the task's gold scorer
     * @param prompts the held-out prompts, one per sample (repeat a prompt to sample it several times)
     * @param responses the policy's response to each prompt
     * @param sftResponses the SFT policy's response to each prompt, or {@code null} to skip the win rate
     * @param policyLogprobs per sample, the policy's log-probability of each response token
     * @param referenceLogprobs per sample, the reference policy's log-probability of the same tokens
     * @throws IllegalArgumentException if the inputs do not all have one entry per sample
     */
    public static EvaluationReport evaluate(
            GoldScorer gold,
            List<String> prompts,
            List<String> responses,
            List<String> sftResponses,
            double[][] policyLogprobs,
            double[][] referenceLogprobs) {
        requireNonNull(gold, "gold is null");
        requireNonNull(prompts, "prompts is null");
        requireNonNull(responses, "responses is null");
        int n = prompts.size();
        Checks.paired(n, responses.size());
        Checks.paired(n, requireNonNull(policyLogprobs, "policyLogprobs is null").length);
        double[] rewards = new double[n];
        double costSum = 0.0;
        for (int i = 0; i < n; i++) {
            rewards[i] = gold.reward(prompts.get(i), responses.get(i));
            costSum += gold.cost(prompts.get(i), responses.get(i));
        }
        double winRate = Double.NaN;
        if (sftResponses != null) {
            Checks.paired(n, sftResponses.size());
            double[] baseline = new double[n];
            for (int i = 0; i < n; i++) {
                baseline[i] = gold.reward(prompts.get(i), sftResponses.get(i));
            }
            winRate = WinRate.of(rewards, baseline);
        }
        return new EvaluationReport(
                n,
                java.util.Arrays.stream(rewards).average().orElseThrow(),
                costSum / n,
                KlEstimator.K1.mean(policyLogprobs, referenceLogprobs),
                KlEstimator.K3.mean(policyLogprobs, referenceLogprobs),
                winRate,
                Diversity.meanLength(responses),
                Diversity.distinctN(responses, 1),
                Diversity.distinctN(responses, 2));
    }

    /** The report as metric names and values, for {@code metrics.jsonl}. */
    public Map<String, Double> metrics() {
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("eval/gold_reward", goldReward);
        metrics.put("eval/gold_cost", goldCost);
        metrics.put("eval/kl", klToReference);
        metrics.put("eval/kl_k3", klK3);
        metrics.put("eval/win_rate_vs_sft", winRateVsSft);
        metrics.put("eval/response_tokens", responseTokens);
        metrics.put("eval/distinct_1", distinct1);
        metrics.put("eval/distinct_2", distinct2);
        metrics.put("eval/samples", (double) samples);
        return metrics;
    }
}
