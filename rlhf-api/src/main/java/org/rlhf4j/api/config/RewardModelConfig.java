package org.rlhf4j.api.config;

import static org.rlhf4j.api.config.PolicyConfig.finite;
import static org.rlhf4j.api.config.PolicyConfig.positive;

/**
 * A reward model ({@code reward_model}) or a Safe RLHF cost model ({@code cost_model}) of an arm: the
 * policy's transformer backbone with a scalar head, trained on the arm's preferences.
 *
 * <p>Reward model loss (Bradley-Terry, TRL's): {@code -log sigmoid(r_chosen - r_rejected - margin)}, a tie
 * trained towards 0.5 (equal rewards: the margin applies to strict preferences only), plus {@code center_rewards_coefficient * mean((r_chosen + r_rejected)^2)}. Cost model
 * loss (PKU safe-rlhf's): {@code -log sigmoid(c_unsafer - c_safer) - log sigmoid(s_safer c_safer)
 * - log sigmoid(s_unsafer c_unsafer)} with {@code s = +1} for an unsafe and {@code -1} for a safe response,
 * plus {@code l2 * mean(c^2)}.
 *
 * @param from the name of an earlier arm whose trained model (reward or cost) this arm reuses, so that two
 *     algorithms optimise exactly the same proxy; it then takes no other key
 * @param epochs passes over the training pairs (default {@value #DEFAULT_EPOCHS})
 * @param batchSize pairs per optimizer step (default {@value #DEFAULT_BATCH_SIZE})
 * @param lr peak learning rate, linear warm-up then cosine decay to a tenth (default {@value #DEFAULT_LR})
 * @param warmup warm-up steps (default {@value #DEFAULT_WARMUP})
 * @param weightDecay AdamW decoupled weight decay (default 0)
 * @param maxGradNorm global-norm gradient clip, 0 for none (default 1)
 * @param margin the Bradley-Terry margin, in reward units (default 0)
 * @param centerRewardsCoefficient TRL's {@code center_rewards_coefficient} (default 0)
 * @param l2 the coefficient of {@code mean(score^2)} (default 0 for a reward model; 0.01 suits a cost model)
 * @param ensemble how many models, each from the SFT backbone with its own head and data order (default 1)
 * @param conservative the reward of an ensemble is {@code mean - conservative * std} (default 0: the mean)
 * @param init {@code sft} (the SFT policy's backbone, default) or {@code scratch} (fresh random weights)
 * @param logEvery steps per metrics line (default {@value #DEFAULT_LOG_EVERY})
 * @param pooling where the scalar head reads a sequence: {@code last} (the last response token, default) or
 *     {@code mean} (the mean of the response tokens' hidden states)
 */
public record RewardModelConfig(
        String from,
        Integer epochs,
        Integer batchSize,
        Double lr,
        Integer warmup,
        Double weightDecay,
        Double maxGradNorm,
        Double margin,
        Double centerRewardsCoefficient,
        Double l2,
        Integer ensemble,
        Double conservative,
        Init init,
        Integer logEvery,
        Pooling pooling) {
    public static final int DEFAULT_EPOCHS = 2;
    public static final int DEFAULT_BATCH_SIZE = 32;
    public static final double DEFAULT_LR = 5e-4;
    public static final int DEFAULT_WARMUP = 10;
    public static final int DEFAULT_LOG_EVERY = 5;

    /** Which tokens' hidden states the scalar head reads. */
    public enum Pooling {
        /** The last response token's (TRL's and OpenRLHF's choice: one token that has seen the whole sequence). */
        LAST,
        /** The mean over the response tokens'. */
        MEAN
    }

    /** Where a model's weights start. */
    public enum Init {
        /** The SFT policy's backbone with a fresh scalar head. */
        SFT,
        /** Fresh random weights. */
        SCRATCH
    }

    public RewardModelConfig {
        if (from != null && (epochs != null || batchSize != null || lr != null || warmup != null || weightDecay != null
                || maxGradNorm != null || margin != null || centerRewardsCoefficient != null || l2 != null || ensemble != null
                || conservative != null || init != null || logEvery != null || pooling != null)) {
            throw new IllegalArgumentException("'from' reuses another arm's trained model: it takes no other key");
        }
        if (from != null && from.isBlank()) {
            throw new IllegalArgumentException("'from' must name an arm");
        }
        epochs = positive("epochs", epochs, DEFAULT_EPOCHS);
        batchSize = positive("batch_size", batchSize, DEFAULT_BATCH_SIZE);
        lr = finite("lr", lr, DEFAULT_LR, 0, 1);
        warmup = warmup == null ? DEFAULT_WARMUP : warmup;
        if (warmup < 0) {
            throw new IllegalArgumentException("warmup must be >= 0, got " + warmup);
        }
        weightDecay = finite("weight_decay", weightDecay, 0.0, 0, 1);
        maxGradNorm = finite("max_grad_norm", maxGradNorm, 1.0, 0, Double.MAX_VALUE);
        margin = finite("margin", margin, 0.0, -100, 100);
        centerRewardsCoefficient = finite("center_rewards_coefficient", centerRewardsCoefficient, 0.0, 0, 100);
        l2 = finite("l2", l2, 0.0, 0, 100);
        ensemble = positive("ensemble", ensemble, 1);
        conservative = finite("conservative", conservative, 0.0, 0, 100);
        init = init == null ? Init.SFT : init;
        logEvery = positive("log_every", logEvery, DEFAULT_LOG_EVERY);
        pooling = pooling == null ? Pooling.LAST : pooling;
    }

    /** True when the arm reuses the model another arm trained. */
    public boolean reused() {
        return from != null;
    }

    /** The defaults. */
    public static RewardModelConfig defaults() {
        return new RewardModelConfig(null, null, null, null, null, null, null, null, null, null, null, null, null, null, null);
    }
}
