package org.rlhf4j.algorithms.grpo;

import static org.rlhf4j.api.config.ConfigValues.atLeast;
import static org.rlhf4j.api.config.ConfigValues.within;

import org.rlhf4j.algorithms.loss.GroupPolicyLoss;
import org.rlhf4j.api.config.OptimizerConfig;

/**
 * Settings of the {@code grpo} algorithm (TRL's {@code GRPOConfig} names and defaults where TRL has them).
 *
 * @param groupSize responses sampled per prompt, {@code k} (default 4)
 * @param promptsPerStep prompts per optimizer step (default 8): a step trains on {@code k * prompts} responses
 * @param steps optimizer steps, each on fresh rollouts of the current policy (default 100)
 * @param baseline {@code group} (GRPO: group mean, advantages divided by the group's std, default) or
 *     {@code leave_one_out} (RLOO)
 * @param lossNormalisation {@code sequence} (GRPO, default) or {@code token} (DAPO, Dr. GRPO)
 * @param beta the weight of the per-token KL (k3) to the SFT reference (default 0.04)
 * @param temperature rollout sampling temperature (default 1)
 * @param maxNewTokens the most tokens per rollout, capped by the context (default 40)
 * @param optimizer the shared optimizer block; defaults: lr 5e-5, warmup 5, cosine decay to a tenth ({@code min_lr_ratio}
 *     0.1), betas 0.9/0.95, no weight decay, gradients clipped to norm 1
 * @param logEvery steps per metrics line (default 5)
 * @param checkpointEvery steps between checkpoints (default 20)
 * @param monitorEvery steps between measurements of the policy's gold and proxy reward on held-out prompts
 *     (over-optimisation; default 25, 0 for none)
 */
public record GrpoConfig(
        Integer groupSize,
        Integer promptsPerStep,
        Integer steps,
        GroupPolicyLoss.Baseline baseline,
        GroupPolicyLoss.Normalisation lossNormalisation,
        Double beta,
        Double temperature,
        Integer maxNewTokens,
        OptimizerConfig optimizer,
        Integer logEvery,
        Integer checkpointEvery,
        Integer monitorEvery) {
    /** The optimizer's defaults. */
    public static final OptimizerConfig OPTIMIZER = OptimizerConfig.defaults(5e-5, 5, 0.1);

    public GrpoConfig {
        groupSize = atLeast("group_size", groupSize, 4, 2);
        promptsPerStep = atLeast("prompts_per_step", promptsPerStep, 8, 1);
        steps = atLeast("steps", steps, 100, 1);
        baseline = baseline == null ? GroupPolicyLoss.Baseline.GROUP : baseline;
        lossNormalisation = lossNormalisation == null ? GroupPolicyLoss.Normalisation.SEQUENCE : lossNormalisation;
        beta = within("beta", beta, 0.04, 0, 100);
        temperature = within("temperature", temperature, 1.0, 1e-3, 100);
        maxNewTokens = atLeast("max_new_tokens", maxNewTokens, 40, 1);
        optimizer = OptimizerConfig.resolve(optimizer, OPTIMIZER);
        logEvery = atLeast("log_every", logEvery, 5, 1);
        checkpointEvery = atLeast("checkpoint_every", checkpointEvery, 20, 1);
        monitorEvery = atLeast("monitor_every", monitorEvery, 25, 0);
    }
}
