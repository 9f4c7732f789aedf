package org.rlhf4j.engine.model;

import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Next-token log-probs of a {@code [B,T]} batch on buffered {@link Nd4jBackprop} forward passes, with the rows
 * cut into shards that run concurrently on a {@link ShardPool} (one shard: the calling thread). Every row's
 * result depends only on that row, so the output is the same whatever the shard count up to float
 * rounding inside the matrix products, and bit-identical run to run for a given count.
 */
final class ShardedScorer implements AutoCloseable {
    private final int batch;
    private final int seqLen;
    private final int[] rowStart;
    private final Nd4jBackprop[] shards;
    private final INDArray[] probs;
    private final ShardPool pool;

    ShardedScorer(TransformerWeights weights, int batch, int seqLen, int workers) {
        this.batch = batch;
        this.seqLen = seqLen;
        int n = Math.max(1, Math.min(workers, batch));
        rowStart = ShardPool.rowStarts(batch, n);
        shards = new Nd4jBackprop[n];
        probs = new INDArray[n];
        for (int k = 0; k < n; k++) {
            int rows = rowStart[k + 1] - rowStart[k];
            shards[k] = new Nd4jBackprop(weights, rows, seqLen);
            probs[k] = Nd4j.create(weights.dataType(), (long) rows * seqLen, weights.config().vocabSize());
        }
        pool = n > 1 ? new ShardPool(n) : null;
    }

    int batch() {
        return batch;
    }

    int seqLen() {
        return seqLen;
    }

    int workers() {
        return shards.length;
    }

    /** As {@link Nd4jForward#tokenLogProbs}, for {@code [batch][seqLen]} inputs. */
    float[][] tokenLogProbs(int[][] ids, int[][] targets) {
        if (ids.length != batch || targets.length != batch) {
            throw new IllegalArgumentException("ids and targets must have " + batch + " rows");
        }
        if (pool == null) {
            return LmLoss.targetLogProbs(shards[0].forward(ids), targets, probs[0]);
        }
        float[][] out = new float[batch][];
        pool.runAll(shards.length, k -> {
            int from = rowStart[k];
            int to = rowStart[k + 1];
            INDArray logits = shards[k].forward(Arrays.copyOfRange(ids, from, to));
            float[][] part = LmLoss.targetLogProbs(logits, Arrays.copyOfRange(targets, from, to), probs[k]);
            System.arraycopy(part, 0, out, from, part.length);
        });
        return out;
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.close();
        }
    }
}
