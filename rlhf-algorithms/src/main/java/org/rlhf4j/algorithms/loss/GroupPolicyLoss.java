package org.rlhf4j.algorithms.loss;

import static java.util.Objects.requireNonNull;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The critic-free clipped policy-gradient loss of the GRPO family (TRL's {@code GRPOTrainer._compute_loss}): GRPO, RLOO,
 * Dr. GRPO, DAPO, BNPO, GSPO and REINFORCE++ differ only in their advantages, their importance ratio, their clip range
 * and how they average token losses.
 *
 * <p>Advantages ({@link #advantages}): GRPO subtracts the group's mean reward and divides by the standard deviation
 * (+1e-4) of the group's rewards ({@link ScaleRewards#GROUP}), of the whole batch's ({@link ScaleRewards#BATCH}) or by
 * nothing ({@link ScaleRewards#NONE}, Dr. GRPO); RLOO subtracts the mean of the OTHER {@code k - 1} rewards.
 * REINFORCE++'s token-level advantages are {@link ReinforcePlusPlus}'s.
 *
 * <p>The loss of sequences {@code i} and their response tokens {@code t}, with advantages {@code A_it}:
 * <pre>
 *   L = sum_i w_i sum_t [ max(-rho A_it, -clip(rho, 1 - eps_low, 1 + eps_high) A_it) + beta k3_it ]
 *   k3_it = exp(ref_it - logp_it) - (ref_it - logp_it) - 1          (the per-token KL to the reference, TRL's)
 * </pre>
 * with the importance ratio {@code rho} of the policy now against the policy that sampled the rollouts ({@code old}):
 * per token, {@code rho_it = exp(logp_it - old_it)} ({@link ImportanceSampling#TOKEN}, PPO's and GRPO's), or per sequence,
 * {@code rho_i = exp(mean_t (logp_it - old_it))} ({@link ImportanceSampling#SEQUENCE}, GSPO). The gradient flows through
 * the unclipped term where it is the larger one (the clipped term is constant). On the first optimisation pass over a
 * batch the policy is the one that sampled it, {@code rho = 1}, and the gradient is the plain policy gradient
 * {@code -A}; clipping binds only on later passes ({@code num_iterations > 1}). {@code eps_high > eps_low} is DAPO's
 * clip-higher. The token weights {@code w_i} are the loss type's normalisation ({@link #tokenWeights}).
 */
public final class GroupPolicyLoss {
    /** How the baseline of a response is formed. */
    public enum Baseline {
        /** GRPO: the group's mean reward, the advantage scaled by {@link ScaleRewards}. */
        GROUP,
        /** RLOO: the mean reward of the group's other responses. */
        LEAVE_ONE_OUT;

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** What a GRPO advantage is divided by (TRL's {@code scale_rewards}). */
    public enum ScaleRewards {
        /** The standard deviation of the group's rewards (GRPO). */
        GROUP,
        /** The standard deviation of the whole batch's rewards. */
        BATCH,
        /** Nothing (Dr. GRPO). */
        NONE;

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** How token losses are averaged (the older {@code loss_normalisation} key, kept: {@link LossType#of}). */
    public enum Normalisation {
        /** Mean over each sequence's tokens, then over the sequences: {@link LossType#GRPO}. */
        SEQUENCE,
        /** Mean over all tokens of the batch: {@link LossType#BNPO}. */
        TOKEN;

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** How token losses are averaged: TRL's {@code loss_type}. */
    public enum LossType {
        /** Mean over each sequence's tokens, then over the batch's sequences (GRPO): a long response's tokens weigh less. */
        GRPO,
        /** Sum over every token of the (micro)batch divided by their count. */
        BNPO,
        /** Sum over every token divided by {@code sequences * max_completion_length}, a constant (Dr. GRPO): no length bias. */
        DR_GRPO,
        /** Sum over every token of the whole generation batch divided by their count (DAPO); here, one process updating on
         *  the whole batch, the same weights as {@link #BNPO}. */
        DAPO;

        /** The loss type of the older {@code loss_normalisation} key. */
        public static LossType of(Normalisation normalisation) {
            return normalisation == Normalisation.SEQUENCE ? GRPO : BNPO;
        }

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Where the importance ratio lives (TRL's {@code importance_sampling_level}). */
    public enum ImportanceSampling {
        /** One ratio per token (PPO, GRPO). */
        TOKEN,
        /** One ratio per sequence, the geometric mean of its tokens' (GSPO). */
        SEQUENCE;

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * The loss's settings.
     *
     * @param beta the weight of the per-token KL (k3) to the reference, >= 0
     * @param epsilonLow the lower clip range: {@code rho >= 1 - epsilonLow}, in [0, 1)
     * @param epsilonHigh the upper clip range: {@code rho <= 1 + epsilonHigh}, >= 0 (DAPO's clip-higher: above epsilonLow)
     * @param level token or sequence importance ratios
     */
    public record Settings(double beta, double epsilonLow, double epsilonHigh, ImportanceSampling level) {
        public Settings {
            requireNonNull(level, "level is null");
            if (!(beta >= 0) || Double.isInfinite(beta) || !(epsilonLow >= 0 && epsilonLow < 1) || !(epsilonHigh >= 0)
                    || Double.isInfinite(epsilonHigh)) {
                throw new IllegalArgumentException("beta " + beta + ", epsilon " + epsilonLow + ", epsilon_high " + epsilonHigh
                        + ": beta >= 0, 0 <= epsilon < 1, epsilon_high >= 0");
            }
        }
    }

    private GroupPolicyLoss() {}

    /** The k3 estimate of a token's KL to the reference, {@code exp(ref - logp) - (ref - logp) - 1}, never negative. */
    public static double k3(double logp, double ref) {
        double diff = ref - logp;
        return Math.exp(diff) - diff - 1;
    }

    /** GRPO's advantages ({@link ScaleRewards#GROUP}) or RLOO's, in groups of {@code k} consecutive responses. */
    public static double[] advantages(double[] rewards, int k, Baseline baseline) {
        return advantages(rewards, k, baseline, ScaleRewards.GROUP);
    }

    /** The advantage of each of {@code rewards.length} responses, in groups of {@code k} consecutive ones. */
    public static double[] advantages(double[] rewards, int k, Baseline baseline, ScaleRewards scale) {
        if (k < 2 || rewards.length % k != 0) {
            throw new IllegalArgumentException(rewards.length + " rewards do not form groups of " + k + " (k >= 2)");
        }
        double batchStd = std(rewards, 0, rewards.length);
        double[] out = new double[rewards.length];
        for (int g = 0; g < rewards.length; g += k) {
            double sum = 0;
            for (int i = g; i < g + k; i++) {
                sum += rewards[i];
            }
            double mean = sum / k;
            double std = scale == ScaleRewards.BATCH ? batchStd : std(rewards, g, g + k);
            for (int i = g; i < g + k; i++) {
                if (baseline == Baseline.LEAVE_ONE_OUT) {
                    out[i] = rewards[i] - (sum - rewards[i]) / (k - 1);
                }
                else {
                    out[i] = scale == ScaleRewards.NONE ? rewards[i] - mean : (rewards[i] - mean) / (std + 1e-4);
                }
            }
        }
        return out;
    }

    /** The unbiased standard deviation of {@code values[from, to)}, as {@code torch.std}. */
    static double std(double[] values, int from, int to) {
        double mean = 0;
        for (int i = from; i < to; i++) {
            mean += values[i];
        }
        mean /= to - from;
        double variance = 0;
        for (int i = from; i < to; i++) {
            variance += (values[i] - mean) * (values[i] - mean);
        }
        return Math.sqrt(variance / (to - from - 1));
    }

    /** The weight of each token of sequence {@code i}: {@link #tokenWeights(int[], LossType, int)} of the older key. */
    public static double[] tokenWeights(int[] lengths, Normalisation normalisation) {
        return tokenWeights(lengths, LossType.of(normalisation), 1);
    }

    /**
     * The weight of each token of sequence {@code i} in the loss, for the batch's response lengths: {@code 1 / (B n_i)}
     * ({@link LossType#GRPO}), {@code 1 / sum n} ({@link LossType#BNPO}, {@link LossType#DAPO}) or
     * {@code 1 / (B maxCompletionLength)} ({@link LossType#DR_GRPO}), with {@code B} sequences; 0 for an empty response.
     */
    public static double[] tokenWeights(int[] lengths, LossType type, int maxCompletionLength) {
        if (maxCompletionLength < 1) {
            throw new IllegalArgumentException("maxCompletionLength must be >= 1, got " + maxCompletionLength);
        }
        double[] weights = new double[lengths.length];
        long tokens = 0;
        for (int length : lengths) {
            tokens += length;
        }
        for (int i = 0; i < lengths.length; i++) {
            if (lengths[i] == 0) {
                continue;
            }
            weights[i] = switch (type) {
                case GRPO -> 1.0 / (lengths.length * (double) lengths[i]);
                case BNPO, DAPO -> 1.0 / tokens;
                case DR_GRPO -> 1.0 / (lengths.length * (double) maxCompletionLength);
            };
        }
        return weights;
    }

    /** Each sequence's advantage on every one of its tokens. */
    public static double[][] perToken(double[] advantages, double[][] logp) {
        if (advantages.length != logp.length) {
            throw new IllegalArgumentException(advantages.length + " advantages for " + logp.length + " sequences");
        }
        double[][] out = new double[logp.length][];
        for (int i = 0; i < logp.length; i++) {
            out[i] = new double[logp[i].length];
            java.util.Arrays.fill(out[i], advantages[i]);
        }
        return out;
    }

    /**
     * What {@link #compute} gives: sums over the sequences it was given (a shard's part of a batch; {@link #plus} adds
     * parts), from which {@link #metrics} forms TRL's means.
     *
     * @param loss the loss (a part of the batch's: the weights carry the batch's normalisation)
     * @param dLogp dLoss/dlogp of every response token, {@code [sequence][token]}
     * @param klSum the sum of k3 over the response tokens
     * @param tokens the response tokens
     * @param clippedLow tokens (sequences, for sequence-level ratios) whose ratio fell below {@code 1 - eps_low} with a
     *     negative advantage: the clipped term is the larger, no gradient
     * @param clippedHigh those whose ratio rose above {@code 1 + eps_high} with a positive advantage
     * @param clipUnits what the clip counts are out of: tokens, or sequences for sequence-level ratios
     */
    public record Result(double loss, double[][] dLogp, double klSum, long tokens, long clippedLow, long clippedHigh,
            long clipUnits) {
        /** This part and {@code other} (another shard's). */
        public Result plus(Result other) {
            double[][] d = new double[dLogp.length + other.dLogp.length][];
            System.arraycopy(dLogp, 0, d, 0, dLogp.length);
            System.arraycopy(other.dLogp, 0, d, dLogp.length, other.dLogp.length);
            return new Result(loss + other.loss, d, klSum + other.klSum, tokens + other.tokens, clippedLow + other.clippedLow,
                    clippedHigh + other.clippedHigh, clipUnits + other.clipUnits);
        }

        /**
         * TRL's logged means: {@code kl} (k3 per response token), {@code clip_ratio/low_mean}, {@code clip_ratio/high_mean},
         * {@code clip_ratio/region_mean}.
         */
        public Map<String, Double> metrics() {
            Map<String, Double> out = new LinkedHashMap<>();
            out.put("kl", tokens > 0 ? klSum / tokens : 0.0);
            double units = Math.max(1, clipUnits);
            out.put("clip_ratio/low_mean", clippedLow / units);
            out.put("clip_ratio/high_mean", clippedHigh / units);
            out.put("clip_ratio/region_mean", (clippedLow + clippedHigh) / units);
            return out;
        }
    }

    /**
     * The loss of sequences on their first optimisation pass (the policy is the one that sampled them, {@code rho = 1}):
     * response-token log-probs {@code logp[i]} under the policy and {@code ref[i]} under the reference, a per-sequence
     * advantage and token weight ({@link #tokenWeights}), KL weight {@code beta}.
     */
    public static Result compute(double[][] logp, double[][] ref, double[] advantage, double[] weight, double beta) {
        return compute(logp, logp, ref, perToken(advantage, logp), weight, new Settings(beta, 0.2, 0.2, ImportanceSampling.TOKEN));
    }

    /**
     * The loss of sequences with response-token log-probs {@code logp[i]} under the policy now, {@code old[i]} under the
     * policy that sampled them and {@code ref[i]} under the reference, per-token advantages {@code advantages[i]} and token
     * weights {@code weight[i]} ({@link #tokenWeights}).
     */
    public static Result compute(double[][] logp, double[][] old, double[][] ref, double[][] advantages, double[] weight,
            Settings settings) {
        int n = logp.length;
        if (old.length != n || ref.length != n || advantages.length != n || weight.length != n) {
            throw new IllegalArgumentException("inputs of different lengths");
        }
        double low = 1 - settings.epsilonLow();
        double high = 1 + settings.epsilonHigh();
        boolean sequenceLevel = settings.level() == ImportanceSampling.SEQUENCE;
        double loss = 0;
        double klSum = 0;
        long tokens = 0;
        long clippedLow = 0;
        long clippedHigh = 0;
        long units = 0;
        double[][] dLogp = new double[n][];
        for (int i = 0; i < n; i++) {
            int length = logp[i].length;
            if (old[i].length != length || ref[i].length != length || advantages[i].length != length) {
                throw new IllegalArgumentException("sequence " + i + ": token arrays of different lengths");
            }
            dLogp[i] = new double[length];
            double sequenceRatio = 1;
            if (sequenceLevel && length > 0) {
                double logRatio = 0;
                for (int t = 0; t < length; t++) {
                    logRatio += logp[i][t] - old[i][t];
                }
                sequenceRatio = Math.exp(logRatio / length);
            }
            boolean sequenceClippedLow = false;
            boolean sequenceClippedHigh = false;
            double dSequenceRatio = 0; // dL/d rho_i, summed over the sequence's tokens (sequence level)
            for (int t = 0; t < length; t++) {
                double ratio = sequenceLevel ? sequenceRatio : Math.exp(logp[i][t] - old[i][t]);
                double a = advantages[i][t];
                double unclipped = -a * ratio;
                double bounded = -a * Math.max(low, Math.min(high, ratio));
                double k3 = k3(logp[i][t], ref[i][t]);
                double dKl = settings.beta() * (1 - Math.exp(ref[i][t] - logp[i][t]));
                boolean through = unclipped >= bounded;
                loss += weight[i] * ((through ? unclipped : bounded) + settings.beta() * k3);
                if (sequenceLevel) {
                    dSequenceRatio += through ? -a : 0;
                    dLogp[i][t] = weight[i] * dKl;
                }
                else {
                    dLogp[i][t] = weight[i] * ((through ? -a * ratio : 0) + dKl);
                }
                boolean isLow = ratio < low && a < 0;
                boolean isHigh = ratio > high && a > 0;
                if (sequenceLevel) {
                    sequenceClippedLow |= isLow;
                    sequenceClippedHigh |= isHigh;
                }
                else {
                    clippedLow += isLow ? 1 : 0;
                    clippedHigh += isHigh ? 1 : 0;
                    units++;
                }
                klSum += k3;
                tokens++;
            }
            if (sequenceLevel && length > 0) {
                // rho_i = exp(mean_t (logp_it - old_it)): d rho_i / d logp_iu = rho_i / n_i
                double dEach = weight[i] * dSequenceRatio * sequenceRatio / length;
                for (int t = 0; t < length; t++) {
                    dLogp[i][t] += dEach;
                }
                clippedLow += sequenceClippedLow ? 1 : 0;
                clippedHigh += sequenceClippedHigh ? 1 : 0;
                units++;
            }
        }
        return new Result(loss, dLogp, klSum, tokens, clippedLow, clippedHigh, units);
    }
}
