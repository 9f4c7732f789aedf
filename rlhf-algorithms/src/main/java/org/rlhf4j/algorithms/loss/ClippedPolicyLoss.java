package org.rlhf4j.algorithms.loss;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * PPO's clipped surrogate objective (Schulman et al. 2017) over response tokens, as TRL's {@code PPOTrainer}:
 * with the ratio {@code rho = exp(logp - logp_old)},
 * {@code L = sum_tokens max(-A rho, -A clip(rho, 1 - eps, 1 + eps)) / N}, where {@code N} is the number of
 * response tokens of the whole minibatch (a shard passes the minibatch's count, so the shards' parts add up).
 * The gradient flows through the unclipped term where it is the larger one: {@code dL/dlogp = -A rho / N}
 * there, else 0.
 */
public final class ClippedPolicyLoss {
    private ClippedPolicyLoss() {}

    /**
     * What {@link #compute} gives.
     *
     * @param loss the loss
     * @param dLogp dL/dlogp per episode and token
     * @param metrics sums over the tokens, each divided by {@code N}: {@code clipfrac} (the share of tokens whose
     *     clipped term is the larger), {@code approxkl} ({@code 0.5 (logp - logp_old)^2}, TRL's), {@code ratio}
     */
    public record Result(double loss, double[][] dLogp, Map<String, Double> metrics) {}

    /**
     * @param logp the policy's log-probs of the response tokens now
     * @param oldLogp their log-probs when the rollouts were sampled
     * @param advantages per token
     * @param clip {@code eps}
     * @param tokens {@code N}
     */
    public static Result compute(double[][] logp, double[][] oldLogp, double[][] advantages, double clip, long tokens) {
        if (oldLogp.length != logp.length || advantages.length != logp.length) {
            throw new IllegalArgumentException("inputs of different lengths");
        }
        if (tokens <= 0) {
            throw new IllegalArgumentException("a minibatch of " + tokens + " tokens");
        }
        double loss = 0;
        double clipped = 0;
        double approxKl = 0;
        double ratios = 0;
        double[][] dLogp = new double[logp.length][];
        for (int i = 0; i < logp.length; i++) {
            dLogp[i] = new double[logp[i].length];
            for (int t = 0; t < logp[i].length; t++) {
                double diff = logp[i][t] - oldLogp[i][t];
                double ratio = Math.exp(diff);
                double a = advantages[i][t];
                double unclipped = -a * ratio;
                double bounded = -a * Math.max(1 - clip, Math.min(1 + clip, ratio));
                if (unclipped >= bounded) {
                    loss += unclipped;
                    dLogp[i][t] = -a * ratio / tokens;
                }
                else {
                    loss += bounded;
                    clipped++;
                }
                approxKl += 0.5 * diff * diff;
                ratios += ratio;
            }
        }
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("clipfrac", clipped / tokens);
        metrics.put("approxkl", approxKl / tokens);
        metrics.put("ratio", ratios / tokens);
        return new Result(loss / tokens, dLogp, metrics);
    }
}
