package org.rlhf4j.algorithms.grpo;

import static org.rlhf4j.api.config.ConfigValues.atLeast;
import static org.rlhf4j.api.config.ConfigValues.within;

import java.util.Locale;
import org.rlhf4j.algorithms.loss.GroupPolicyLoss;
import org.rlhf4j.algorithms.loss.GroupPolicyLoss.ImportanceSampling;
import org.rlhf4j.algorithms.loss.GroupPolicyLoss.LossType;
import org.rlhf4j.algorithms.loss.GroupPolicyLoss.ScaleRewards;
import org.rlhf4j.api.config.OptimizerConfig;

/**
 * Settings of the {@code grpo} algorithm and its family (TRL's {@code GRPOConfig} names and defaults where TRL has them;
 * verl's for dynamic sampling, which TRL lacks). The defaults are GRPO's with one optimisation pass per batch.
 *
 * @param groupSize responses sampled per prompt, {@code k} (default 4; at least 2, or 1 with {@code baseline: batch})
 * @param promptsPerStep prompts per optimizer step (default 8): a step trains on {@code k * prompts} responses
 * @param steps steps, each on fresh rollouts of the current policy (default 100)
 * @param baseline {@code group} (GRPO: the group's mean, scaled by {@code scale_rewards}, default), {@code leave_one_out}
 *     (RLOO) or {@code batch} (REINFORCE++: the KL as a k1 penalty in the per-token rewards, returns whitened over the
 *     batch's tokens)
 * @param scaleRewards what a {@code group} advantage is divided by: the std of the {@code group}'s rewards (default), of the
 *     {@code batch}'s, or {@code none} (Dr. GRPO)
 * @param lossType how token losses are averaged: {@code grpo} (per sequence, default), {@code bnpo}, {@code dr_grpo},
 *     {@code dapo} (per token); see {@link LossType}
 * @param lossNormalisation the older key for {@code loss_type}: {@code sequence} ({@code grpo}) or {@code token}
 *     ({@code bnpo}); refused with a different {@code loss_type}
 * @param beta the KL weight (default 0.04): of the per-token k3 KL to the SFT reference in the loss, or, with
 *     {@code baseline: batch}, of the per-token k1 penalty in the rewards
 * @param epsilon the lower clip range of the importance ratio (default 0.2)
 * @param epsilonHigh the upper clip range (default {@code epsilon}; DAPO's clip-higher: 0.28)
 * @param importanceSamplingLevel {@code token} (default) or {@code sequence} (GSPO: one ratio per response, the geometric
 *     mean of its tokens')
 * @param numIterations optimisation passes over each batch of rollouts (TRL's {@code num_iterations}, default 1: the ratio
 *     is then 1 and clipping never binds); each pass is one AdamW update of the policy
 * @param dynamicSampling DAPO's dynamic sampling (default false): groups whose rewards are all equal are dropped and
 *     refilled with groups of other prompts, up to {@code max_sampling_rounds} samplings per step
 * @param maxSamplingRounds the most samplings per step with dynamic sampling, the first included (default 3); a batch still
 *     short after them keeps dropped groups (their advantage is zero)
 * @param softPunishCache DAPO's soft overlong punishment: the buffer of the last tokens before {@code max_new_tokens} in
 *     which a response's reward falls linearly to -1 (TRL's {@code soft_punish_cache}; default 0, off)
 * @param temperature rollout sampling temperature (default 1)
 * @param maxNewTokens the most tokens per rollout, capped by the context (default 40)
 * @param optimizer the shared optimizer block; defaults: lr 5e-5, warmup 5, cosine decay to a tenth ({@code min_lr_ratio}
 *     0.1) over the run's {@code steps * num_iterations} updates, betas 0.9/0.95, no weight decay, gradients clipped to norm 1
 * @param logEvery steps per metrics line (default 5)
 * @param checkpointEvery steps between checkpoints (default 20)
 * @param monitorEvery steps between measurements of the policy's gold and proxy reward on held-out prompts
 *     (over-optimisation; default 25, 0 for none)
 */
public record GrpoConfig(
        Integer groupSize,
        Integer promptsPerStep,
        Integer steps,
        Baseline baseline,
        ScaleRewards scaleRewards,
        LossType lossType,
        GroupPolicyLoss.Normalisation lossNormalisation,
        Double beta,
        Double epsilon,
        Double epsilonHigh,
        ImportanceSampling importanceSamplingLevel,
        Integer numIterations,
        Boolean dynamicSampling,
        Integer maxSamplingRounds,
        Integer softPunishCache,
        Double temperature,
        Integer maxNewTokens,
        OptimizerConfig optimizer,
        Integer logEvery,
        Integer checkpointEvery,
        Integer monitorEvery) {
    /** The optimizer's defaults. */
    public static final OptimizerConfig OPTIMIZER = OptimizerConfig.defaults(5e-5, 5, 0.1);

    /** The baseline of an advantage. */
    public enum Baseline {
        /** GRPO: the group's mean reward. */
        GROUP,
        /** RLOO: the mean reward of the group's other responses. */
        LEAVE_ONE_OUT,
        /** REINFORCE++: the batch's mean return, the KL a penalty in the rewards. */
        BATCH;

        /** The loss's baseline (GROUP and LEAVE_ONE_OUT). */
        GroupPolicyLoss.Baseline group() {
            return this == LEAVE_ONE_OUT ? GroupPolicyLoss.Baseline.LEAVE_ONE_OUT : GroupPolicyLoss.Baseline.GROUP;
        }

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public GrpoConfig {
        baseline = baseline == null ? Baseline.GROUP : baseline;
        groupSize = atLeast("group_size", groupSize, 4, baseline == Baseline.BATCH ? 1 : 2);
        promptsPerStep = atLeast("prompts_per_step", promptsPerStep, 8, 1);
        steps = atLeast("steps", steps, 100, 1);
        scaleRewards = scaleRewards == null ? ScaleRewards.GROUP : scaleRewards;
        if (lossNormalisation != null && lossType != null && LossType.of(lossNormalisation) != lossType) {
            throw new IllegalArgumentException("loss_normalisation " + lossNormalisation + " (the older key, loss_type "
                    + LossType.of(lossNormalisation) + ") contradicts loss_type " + lossType + ": give loss_type only");
        }
        lossType = lossType != null ? lossType : lossNormalisation != null ? LossType.of(lossNormalisation) : LossType.GRPO;
        beta = within("beta", beta, 0.04, 0, 100);
        epsilon = within("epsilon", epsilon, 0.2, 0, 0.99);
        epsilonHigh = within("epsilon_high", epsilonHigh, epsilon, 0, 10);
        importanceSamplingLevel = importanceSamplingLevel == null ? ImportanceSampling.TOKEN : importanceSamplingLevel;
        numIterations = atLeast("num_iterations", numIterations, 1, 1);
        dynamicSampling = dynamicSampling != null && dynamicSampling;
        maxSamplingRounds = atLeast("max_sampling_rounds", maxSamplingRounds, 3, 1);
        if (dynamicSampling && baseline == Baseline.BATCH) {
            throw new IllegalArgumentException("dynamic_sampling drops groups whose rewards are all equal: it needs a group "
                    + "baseline (group or leave_one_out), not batch");
        }
        temperature = within("temperature", temperature, 1.0, 1e-3, 100);
        maxNewTokens = atLeast("max_new_tokens", maxNewTokens, 40, 1);
        softPunishCache = atLeast("soft_punish_cache", softPunishCache, 0, 0);
        if (softPunishCache > maxNewTokens) {
            throw new IllegalArgumentException("soft_punish_cache (" + softPunishCache + ") must not exceed max_new_tokens ("
                    + maxNewTokens + ")");
        }
        optimizer = OptimizerConfig.resolve(optimizer, OPTIMIZER);
        logEvery = atLeast("log_every", logEvery, 5, 1);
        checkpointEvery = atLeast("checkpoint_every", checkpointEvery, 20, 1);
        monitorEvery = atLeast("monitor_every", monitorEvery, 25, 0);
    }

    /** The loss's settings: with {@code baseline: batch} the KL is in the rewards, not the loss. */
    GroupPolicyLoss.Settings lossSettings() {
        return new GroupPolicyLoss.Settings(baseline == Baseline.BATCH ? 0 : beta, epsilon, epsilonHigh, importanceSamplingLevel);
    }

    /** What the run's log calls the algorithm. */
    String describe() {
        String name = switch (baseline) {
            case GROUP -> importanceSamplingLevel == ImportanceSampling.SEQUENCE ? "GSPO" : switch (lossType) {
                case GRPO -> "GRPO";
                case BNPO -> "GRPO (bnpo)";
                case DR_GRPO -> "Dr. GRPO";
                case DAPO -> "DAPO";
            };
            case LEAVE_ONE_OUT -> "RLOO";
            case BATCH -> "REINFORCE++";
        };
        return name + String.format(Locale.ROOT, " (loss_type %s, epsilon %.2g/%.2g, %d iteration%s%s%s)", lossType, epsilon, epsilonHigh,
                numIterations, numIterations > 1 ? "s" : "", dynamicSampling ? ", dynamic sampling" : "",
                softPunishCache > 0 ? ", overlong punishment over " + softPunishCache + " tokens" : "");
    }
}
