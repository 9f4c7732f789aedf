package org.rlhf4j.algorithms.loss;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The critic-free policy-gradient loss of GRPO and RLOO on groups of {@code k} responses to one prompt
 * (TRL's {@code GRPOTrainer} and {@code RLOOTrainer}, with one optimisation pass per batch of rollouts, so the
 * importance ratio is 1 and PPO's clipping never binds).
 *
 * <p>Advantages ({@link #advantages}): GRPO subtracts the group's mean reward and divides by the group's standard
 * deviation (+1e-4), RLOO subtracts the mean of the OTHER {@code k - 1} rewards. Loss over sequences {@code i}
 * and their response tokens {@code t}:
 * {@code L = sum_i w_i sum_t [ -A_i logp_it + beta (exp(ref_it - logp_it) - (ref_it - logp_it) - 1) ]}, the
 * second term the k3 estimator of the per-token KL to the reference (TRL's). The weights are the loss
 * normalisation ({@link Normalisation}): per sequence, the mean over its tokens then over the batch's
 * sequences (GRPO); per token, the sum over every token of the batch divided by their count (DAPO, Dr. GRPO).
 */
public final class GroupPolicyLoss {
    /** How the baseline of a response is formed. */
    public enum Baseline {
        /** GRPO: the group's mean reward; the advantage is divided by the group's standard deviation. */
        GROUP,
        /** RLOO: the mean reward of the group's other responses. */
        LEAVE_ONE_OUT;

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** How token losses are averaged. */
    public enum Normalisation {
        /** Mean over each sequence's tokens, then over the sequences (GRPO). */
        SEQUENCE,
        /** Mean over all tokens of the batch (DAPO, Dr. GRPO): long responses weigh more. */
        TOKEN;

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private GroupPolicyLoss() {}

    /** The k3 estimate of a token's KL to the reference, {@code exp(ref - logp) - (ref - logp) - 1}, never negative. */
    public static double k3(double logp, double ref) {
        double diff = ref - logp;
        return Math.exp(diff) - diff - 1;
    }

    /** The advantage of each of {@code rewards.length} responses, in groups of {@code k} consecutive ones. */
    public static double[] advantages(double[] rewards, int k, Baseline baseline) {
        if (k < 2 || rewards.length % k != 0) {
            throw new IllegalArgumentException(rewards.length + " rewards do not form groups of " + k + " (k >= 2)");
        }
        double[] out = new double[rewards.length];
        for (int g = 0; g < rewards.length; g += k) {
            double sum = 0;
            for (int i = g; i < g + k; i++) {
                sum += rewards[i];
            }
            double mean = sum / k;
            double variance = 0;
            for (int i = g; i < g + k; i++) {
                variance += (rewards[i] - mean) * (rewards[i] - mean);
            }
            double std = Math.sqrt(variance / (k - 1)); // the unbiased estimate, as torch.std
            for (int i = g; i < g + k; i++) {
                out[i] = baseline == Baseline.GROUP ? (rewards[i] - mean) / (std + 1e-4) : rewards[i] - (sum - rewards[i]) / (k - 1);
            }
        }
        return out;
    }

    /** The weight of each token of sequence {@code i} in the loss, for the batch's response lengths. */
    public static double[] tokenWeights(int[] lengths, Normalisation normalisation) {
        double[] weights = new double[lengths.length];
        long tokens = 0;
        for (int length : lengths) {
            tokens += length;
        }
        for (int i = 0; i < lengths.length; i++) {
            if (lengths[i] == 0) {
                continue;
            }
            weights[i] = normalisation == Normalisation.SEQUENCE ? 1.0 / (lengths.length * (double) lengths[i]) : 1.0 / tokens;
        }
        return weights;
    }

    /**
     * What {@link #compute} gives.
     *
     * @param loss the loss
     * @param dLogp dLoss/dlogp of every response token, {@code [sequence][token]}
     * @param metrics {@code kl} (the mean k3 per response token)
     */
    public record Result(double loss, double[][] dLogp, Map<String, Double> metrics) {}

    /**
     * The loss of sequences with response-token log-probs {@code logp[i]} under the policy and {@code ref[i]}
     * under the reference, advantages {@code advantage[i]} and token weights {@code weight[i]} ({@link #tokenWeights}).
     */
    public static Result compute(double[][] logp, double[][] ref, double[] advantage, double[] weight, double beta) {
        if (ref.length != logp.length || advantage.length != logp.length || weight.length != logp.length) {
            throw new IllegalArgumentException("inputs of different lengths");
        }
        double loss = 0;
        double kl = 0;
        long tokens = 0;
        double[][] dLogp = new double[logp.length][];
        for (int i = 0; i < logp.length; i++) {
            dLogp[i] = new double[logp[i].length];
            for (int t = 0; t < logp[i].length; t++) {
                double k3 = k3(logp[i][t], ref[i][t]);
                loss += weight[i] * (-advantage[i] * logp[i][t] + beta * k3);
                dLogp[i][t] = weight[i] * (-advantage[i] + beta * (1 - Math.exp(ref[i][t] - logp[i][t])));
                kl += k3;
                tokens++;
            }
        }
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("kl", tokens > 0 ? kl / tokens : 0.0);
        return new Result(loss, dLogp, metrics);
    }
}
