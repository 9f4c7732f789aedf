package org.rlhf4j.algorithms.onlinedpo;

import static org.rlhf4j.api.config.ConfigValues.atLeast;
import static org.rlhf4j.api.config.ConfigValues.within;

import java.util.Locale;
import org.rlhf4j.algorithms.loss.DpoLoss;
import org.rlhf4j.api.config.OptimizerConfig;

/**
 * Settings of the {@code online-dpo} algorithm (TRL's {@code OnlineDPOConfig} names and defaults where TRL has them).
 *
 * @param labeller who labels each step's pairs: {@code feedback} (the arm's own feedback source, in the loop; default)
 *     or {@code rewards} (the arm's reward seam: its reward model, or the scores of a source that scores)
 * @param lossType {@code sigmoid} (DPO, default) or {@code ipo}
 * @param beta the KL strength (default 0.1)
 * @param promptsPerStep TRAIN prompts per step, two responses each: the pairs of a step (default 8)
 * @param steps steps, each on fresh pairs of the current policy (default 100)
 * @param temperature sampling temperature of the two responses (default 1)
 * @param maxNewTokens the most tokens per response, capped by the context (default 40)
 * @param optimizer the shared optimizer block; defaults: lr 2e-4, warmup 10, cosine decay to a tenth, as {@code dpo}
 * @param logEvery steps per metrics line (default 5)
 * @param checkpointEvery steps between checkpoints (default 20)
 * @param monitorEvery steps between measurements of the policy's gold and proxy reward on held-out prompts
 *     (over-optimisation; default 25, 0 for none)
 */
public record OnlineDpoConfig(
        Labeller labeller,
        DpoLoss.Type lossType,
        Double beta,
        Integer promptsPerStep,
        Integer steps,
        Double temperature,
        Integer maxNewTokens,
        OptimizerConfig optimizer,
        Integer logEvery,
        Integer checkpointEvery,
        Integer monitorEvery) {
    /** The optimizer's defaults. */
    public static final OptimizerConfig OPTIMIZER = OptimizerConfig.defaults(2e-4, 10, 0.1);

    /** Who labels the pairs. */
    public enum Labeller {
        /** The arm's own feedback source. */
        FEEDBACK,
        /** The arm's reward seam. */
        REWARDS;

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public OnlineDpoConfig {
        labeller = labeller == null ? Labeller.FEEDBACK : labeller;
        lossType = lossType == null ? DpoLoss.Type.SIGMOID : lossType;
        beta = beta == null ? 0.1 : beta;
        new DpoLoss(lossType, beta, 0); // checks the two
        promptsPerStep = atLeast("prompts_per_step", promptsPerStep, 8, 1);
        steps = atLeast("steps", steps, 100, 1);
        temperature = within("temperature", temperature, 1.0, 1e-3, 100);
        maxNewTokens = atLeast("max_new_tokens", maxNewTokens, 40, 1);
        optimizer = OptimizerConfig.resolve(optimizer, OPTIMIZER);
        logEvery = atLeast("log_every", logEvery, 5, 1);
        checkpointEvery = atLeast("checkpoint_every", checkpointEvery, 20, 1);
        monitorEvery = atLeast("monitor_every", monitorEvery, 25, 0);
    }

    /** The loss of each step. */
    DpoLoss loss() {
        return new DpoLoss(lossType, beta, 0);
    }
}
