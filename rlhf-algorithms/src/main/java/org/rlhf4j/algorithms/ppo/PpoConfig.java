package org.rlhf4j.algorithms.ppo;

import static org.rlhf4j.api.config.ConfigValues.atLeast;
import static org.rlhf4j.api.config.ConfigValues.optionalWithin;
import static org.rlhf4j.api.config.ConfigValues.within;

import java.util.Locale;
import org.rlhf4j.api.config.OptimizerConfig;

/**
 * Settings of the {@code ppo} and {@code ppo-lagrangian} algorithms (TRL's {@code PPOConfig} names and defaults
 * where TRL has them; the Lagrangian's from PKU's safe-rlhf).
 *
 * @param rollouts responses sampled per iteration, one per TRAIN prompt (default 64)
 * @param steps iterations: sample, score, then {@code ppo_epochs} passes over the rollouts (default 50)
 * @param ppoEpochs passes over each iteration's rollouts (default 4, TRL's)
 * @param miniBatches minibatches per pass, each one optimizer update of the policy and the critics (default 1)
 * @param clip the ratio's clip range (default 0.2, TRL's {@code cliprange})
 * @param valueClip the value's clip range around its value at sampling (default 0.2, TRL's {@code cliprange_value})
 * @param gamma the discount of GAE (default 1)
 * @param lam the lambda of GAE (default 0.95)
 * @param whitenAdvantages whiten advantages over the iteration's tokens (default true)
 * @param klCoef the coefficient of the per-token KL penalty to the SFT reference in the reward (default 0.05)
 * @param klTarget with a value, the adaptive controller steers the coefficient towards this KL per response (nats);
 *     absent: the coefficient is fixed
 * @param klHorizon the adaptive controller's horizon in episodes (default 10000)
 * @param stopKl with a value, an iteration's remaining epochs are skipped once a pass's mean approximate KL between
 *     the policy and the rollouts' policy exceeds it (early stop on a KL target)
 * @param criticInit {@code reward_model} (the critic starts as the arm's reward model, as OpenRLHF's does; the
 *     default when the arm has one) or {@code policy} (the SFT backbone with a new value head)
 * @param temperature rollout sampling temperature (default 1)
 * @param maxNewTokens the most tokens per rollout, capped by the context (default 40)
 * @param optimizer the shared optimizer block of the policy (and, with {@code critic_lr}, of the critics); defaults: lr
 *     5e-5, no warm-up, constant after it ({@code min_lr_ratio} 1), betas 0.9/0.95, no weight decay, each update's
 *     gradients clipped to norm 1
 * @param criticLr the critics' learning rate (default 1e-4)
 * @param logEvery iterations per metrics line (default 1)
 * @param checkpointEvery iterations between checkpoints (default 10)
 * @param monitorEvery iterations between measurements of gold and proxy reward on held-out prompts (default 10, 0 for none)
 * @param costThreshold ppo-lagrangian: the threshold {@code d} of the mean cost, on the cost model's scale (default 0,
 *     Safe RLHF's: a cost model trained with safety labels puts safe responses below 0)
 * @param lambdaInit ppo-lagrangian: the multiplier's start (default 1)
 * @param lambdaLr ppo-lagrangian: the SGD rate on log lambda (default 0.1)
 * @param lambdaMax ppo-lagrangian: the multiplier's cap (default none)
 * @param costWindow ppo-lagrangian: episodes whose mean cost updates the multiplier (default 128)
 */
public record PpoConfig(
        Integer rollouts,
        Integer steps,
        Integer ppoEpochs,
        Integer miniBatches,
        Double clip,
        Double valueClip,
        Double gamma,
        Double lam,
        Boolean whitenAdvantages,
        Double klCoef,
        Double klTarget,
        Double klHorizon,
        Double stopKl,
        CriticInit criticInit,
        Double temperature,
        Integer maxNewTokens,
        OptimizerConfig optimizer,
        Double criticLr,
        Integer logEvery,
        Integer checkpointEvery,
        Integer monitorEvery,
        Double costThreshold,
        Double lambdaInit,
        Double lambdaLr,
        Double lambdaMax,
        Integer costWindow) {
    /** Where the critic starts. */
    public enum CriticInit {
        /** The arm's reward model (cost model for the cost critic). */
        REWARD_MODEL,
        /** The SFT policy's backbone with a new value head. */
        POLICY;

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The optimizer's defaults. */
    public static final OptimizerConfig OPTIMIZER = OptimizerConfig.defaults(5e-5, 0, 1.0);

    public PpoConfig {
        rollouts = atLeast("rollouts", rollouts, 64, 1);
        steps = atLeast("steps", steps, 50, 1);
        ppoEpochs = atLeast("ppo_epochs", ppoEpochs, 4, 1);
        miniBatches = atLeast("mini_batches", miniBatches, 1, 1);
        if (rollouts % miniBatches != 0) {
            throw new IllegalArgumentException("rollouts (" + rollouts + ") must be a multiple of mini_batches (" + miniBatches + ")");
        }
        clip = within("clip", clip, 0.2, 1e-6, 10);
        valueClip = within("value_clip", valueClip, 0.2, 1e-6, Double.MAX_VALUE);
        gamma = within("gamma", gamma, 1.0, 0, 1);
        lam = within("lam", lam, 0.95, 0, 1);
        whitenAdvantages = whitenAdvantages == null || whitenAdvantages;
        klCoef = within("kl_coef", klCoef, 0.05, 0, 100);
        klTarget = optionalWithin("kl_target", klTarget, 1e-6, 1e6);
        klHorizon = within("kl_horizon", klHorizon, 10000.0, 1, 1e12);
        stopKl = optionalWithin("stop_kl", stopKl, 1e-9, 1e6);
        temperature = within("temperature", temperature, 1.0, 1e-3, 100);
        maxNewTokens = atLeast("max_new_tokens", maxNewTokens, 40, 1);
        optimizer = OptimizerConfig.resolve(optimizer, OPTIMIZER);
        criticLr = within("critic_lr", criticLr, 1e-4, 1e-12, 1);
        logEvery = atLeast("log_every", logEvery, 1, 1);
        checkpointEvery = atLeast("checkpoint_every", checkpointEvery, 10, 1);
        monitorEvery = atLeast("monitor_every", monitorEvery, 10, 0);
        costThreshold = within("cost_threshold", costThreshold, 0.0, -1e6, 1e6);
        lambdaInit = within("lambda_init", lambdaInit, 1.0, 1e-9, 1e6);
        lambdaLr = within("lambda_lr", lambdaLr, 0.1, 1e-9, 100);
        lambdaMax = optionalWithin("lambda_max", lambdaMax, 1e-9, 1e6);
        costWindow = atLeast("cost_window", costWindow, 128, 1);
    }

    /** The KL coefficient's controller this config asks for. */
    KlController klController() {
        return klTarget == null ? KlController.fixed(klCoef) : KlController.adaptive(klCoef, klTarget, klHorizon);
    }
}
