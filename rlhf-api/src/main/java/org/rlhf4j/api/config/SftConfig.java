package org.rlhf4j.api.config;

import static org.rlhf4j.api.config.PolicyConfig.finite;
import static org.rlhf4j.api.config.PolicyConfig.positive;

/**
 * Supervised fine-tuning of a task experiment's starting policy on the task's corpus: AdamW with linear
 * warm-up and cosine decay, global-norm clipping, periodic checkpoints.
 *
 * @param corpusSize texts drawn from the task's corpus with the experiment seed (default {@value #DEFAULT_CORPUS_SIZE})
 * @param steps optimizer steps (default {@value #DEFAULT_STEPS})
 * @param batchSize sequences per step (default {@value #DEFAULT_BATCH_SIZE})
 * @param lr peak learning rate (default {@value #DEFAULT_LR})
 * @param warmup warm-up steps (default {@value #DEFAULT_WARMUP})
 * @param minLrRatio final learning rate as a fraction of {@code lr} (default {@value #DEFAULT_MIN_LR_RATIO})
 * @param weightDecay AdamW decoupled weight decay (default {@value #DEFAULT_WEIGHT_DECAY})
 * @param maxGradNorm global gradient-norm clip, 0 for none (default {@value #DEFAULT_MAX_GRAD_NORM})
 * @param logEvery steps between {@code metrics.jsonl} lines (default {@value #DEFAULT_LOG_EVERY})
 * @param checkpointEvery steps between checkpoints (default {@value #DEFAULT_CHECKPOINT_EVERY}); the last step is always saved
 * @param keepCheckpoints how many of the newest checkpoints to keep, 0 for all (default {@value #DEFAULT_KEEP_CHECKPOINTS})
 */
public record SftConfig(
        Integer corpusSize,
        Integer steps,
        Integer batchSize,
        Double lr,
        Integer warmup,
        Double minLrRatio,
        Double weightDecay,
        Double maxGradNorm,
        Integer logEvery,
        Integer checkpointEvery,
        Integer keepCheckpoints) {
    public static final int DEFAULT_CORPUS_SIZE = 20_000;
    public static final int DEFAULT_STEPS = 600;
    public static final int DEFAULT_BATCH_SIZE = 32;
    public static final double DEFAULT_LR = 2e-3;
    public static final int DEFAULT_WARMUP = 30;
    public static final double DEFAULT_MIN_LR_RATIO = 0.1;
    public static final double DEFAULT_WEIGHT_DECAY = 0.01;
    public static final double DEFAULT_MAX_GRAD_NORM = 1.0;
    public static final int DEFAULT_LOG_EVERY = 10;
    public static final int DEFAULT_CHECKPOINT_EVERY = 100;
    public static final int DEFAULT_KEEP_CHECKPOINTS = 2;

    public SftConfig {
        corpusSize = positive("corpus_size", corpusSize, DEFAULT_CORPUS_SIZE);
        steps = positive("steps", steps, DEFAULT_STEPS);
        batchSize = positive("batch_size", batchSize, DEFAULT_BATCH_SIZE);
        lr = finite("lr", lr, DEFAULT_LR, 0, 1);
        warmup = warmup == null ? Math.min(DEFAULT_WARMUP, steps) : warmup;
        if (warmup < 0 || warmup > steps) {
            throw new IllegalArgumentException("warmup must be in [0, steps=" + steps + "], got " + warmup);
        }
        minLrRatio = finite("min_lr_ratio", minLrRatio, DEFAULT_MIN_LR_RATIO, 0, 1);
        weightDecay = finite("weight_decay", weightDecay, DEFAULT_WEIGHT_DECAY, 0, 1);
        maxGradNorm = finite("max_grad_norm", maxGradNorm, DEFAULT_MAX_GRAD_NORM, 0, Double.MAX_VALUE);
        logEvery = positive("log_every", logEvery, DEFAULT_LOG_EVERY);
        checkpointEvery = positive("checkpoint_every", checkpointEvery, DEFAULT_CHECKPOINT_EVERY);
        keepCheckpoints = keepCheckpoints == null ? DEFAULT_KEEP_CHECKPOINTS : keepCheckpoints;
        if (keepCheckpoints < 0) {
            throw new IllegalArgumentException("keep_checkpoints must be >= 0, got " + keepCheckpoints);
        }
        if (corpusSize < batchSize) {
            throw new IllegalArgumentException("corpus_size (" + corpusSize + ") must be >= batch_size (" + batchSize + ")");
        }
    }

    /** The defaults. */
    public static SftConfig defaults() {
        return new SftConfig(null, null, null, null, null, null, null, null, null, null, null);
    }
}
