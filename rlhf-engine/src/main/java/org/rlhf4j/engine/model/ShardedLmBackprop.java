package org.rlhf4j.engine.model;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Masked next-token cross-entropy and its gradients for a {@code [B,T]} batch, with the batch cut into
 * {@code workers} row shards that run CONCURRENTLY: data parallelism inside one training step.
 *
 * <p>Each shard has its own {@link Nd4jBackprop} (activations, scratch and gradient buffers) and its own
 * {@code dLogits}; all shards read the same weight arrays, which nobody writes during the call. The
 * shards run on this instance's daemon threads (created on first use with the thread counts of
 * {@link EngineThreads#applyToCurrentThread()}, so they do not depend on the caller's; idle ones retire
 * after a minute; {@link #close()} stops them) while the caller waits. Each shard scales its loss and gradient by
 * {@code 1 / (unmasked tokens of the WHOLE batch)} ({@link LmLoss#maskedCrossEntropy(INDArray, int[][],
 * float[][], double, INDArray)}), so the shards' sums are the whole batch's masked mean. The sums are taken
 * in a fixed order (shard 0 + shard 1 + ...): the same inputs give bit-identical results run to run. They
 * may differ from the single-pass ({@code workers = 1}) result in the last float bits (other summation
 * order inside the gradient products).
 *
 * <p>Why: libnd4j's element-wise operations are slow and their own multi-threading does not pay at this
 * model size, but two Java threads each calling single-threaded ops run truly in parallel
 * (bench/README.md). With {@code workers = 1} this is exactly the single pass, on the calling thread.
 * An instance is not thread-safe: one call at a time. It is {@link ShardedBackprop} with the LM loss.
 */
public final class ShardedLmBackprop implements AutoCloseable {
    private final ShardedBackprop backprop;

    /**
     * @param weights model with an LM head (read, never written)
     * @param batch rows B of every batch
     * @param seqLen columns T of every batch
     * @param workers shards (and threads) per call; more than {@code batch} is cut to {@code batch}
     * @param gradientBuffers where the summed gradient of each named parameter goes (e.g.
     *     {@link org.rlhf4j.engine.optim.AdamW#gradientBuffers()}); parameters not named get buffers of
     *     their own, see {@link #gradients()}
     */
    public ShardedLmBackprop(TransformerWeights weights, int batch, int seqLen, int workers, Map<String, INDArray> gradientBuffers) {
        requireNonNull(weights, "weights is null");
        requireNonNull(gradientBuffers, "gradientBuffers is null");
        if (!weights.heads().hasLm()) {
            throw new IllegalArgumentException("the LM loss needs weights with an LM head");
        }
        if (batch <= 0 || workers <= 0) {
            throw new IllegalArgumentException("batch and workers must be positive: " + batch + ", " + workers);
        }
        this.backprop = new ShardedBackprop(weights, batch, seqLen, workers, 1, gradientBuffers);
    }

    /** Name prefix of this instance's worker threads (null with one worker); for tests. */
    String threadNamePrefix() {
        return backprop.threadNamePrefix();
    }

    /** Shards (and threads) per call. */
    public int workers() {
        return backprop.workers();
    }

    /** Rows B of the batches this instance serves. */
    public int batch() {
        return backprop.batch();
    }

    /** Columns T of the batches this instance serves. */
    public int seqLen() {
        return backprop.seqLen();
    }

    /**
     * Forward pass, masked mean next-token cross-entropy over all unmasked tokens of the batch, and backward
     * pass. Returns the loss; the gradient of every parameter (summed over the shards) is left in
     * {@link #gradients()}. Arguments as in {@link LmLoss#maskedCrossEntropy(INDArray, int[][], float[][], INDArray)},
     * {@code [B][T]} each.
     */
    public double lossAndGradients(int[][] ids, int[][] targets, float[][] mask) {
        requireNonNull(ids, "ids is null");
        requireNonNull(targets, "targets is null");
        requireNonNull(mask, "mask is null");
        int batch = backprop.batch();
        if (ids.length != batch || targets.length != batch || mask.length != batch) {
            throw new IllegalArgumentException("ids, targets and mask must have " + batch + " rows");
        }
        double count = LmLoss.maskSum(mask);
        double normaliser = count > 0 ? count : 1; // an all-zero mask: every shard gives 0 and a zero gradient
        return backprop.lossAndGradients(ids, shard -> LmLoss.maskedCrossEntropy(shard.logits(),
                Arrays.copyOfRange(targets, shard.fromRow(), shard.toRow()), Arrays.copyOfRange(mask, shard.fromRow(), shard.toRow()),
                normaliser, shard.dLogits()));
    }

    /**
     * The summed gradients of the last {@link #lossAndGradients} call, by parameter name in canonical order
     * (the buffers given to the constructor where named; overwritten by the next call).
     */
    public Map<String, INDArray> gradients() {
        return backprop.gradients();
    }

    /** Stops the worker threads (idempotent); the instance must not be used afterwards. */
    @Override
    public void close() {
        backprop.close();
    }
}
