package org.rlhf4j.engine.model;

import static java.util.Objects.requireNonNull;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The LM head of a sequence-level loss (DPO, IPO, policy gradients) evaluated only at the token rows that carry
 * the loss (mask not 0: the response tokens): a sequence's log-prob needs the logits of its response tokens only,
 * so the prompt and padding rows (about half of a DPO batch) skip the {@code [rows,D] x [D,V]} product, the
 * exponentials over the vocabulary and both backward products. Same results as {@link LmLoss#tokenLogProbsAndGradient}
 * over all logits (to float rounding: the products run over fewer rows).
 *
 * <p>Use: after a forward pass without logits ({@link ShardedBackprop#lossAndGradients(int[][], boolean,
 * ShardedBackprop.ShardLoss)}), {@link #tokenLogProbs} gives the token log-probs and keeps the unit gradient
 * {@code d(-log p)/dlogits} at the selected rows; {@link #backward} scales it per sequence by {@code -dLoss/dlogp}
 * and writes the gradients at the hidden states and at {@code lm_head}. One instance per shard (its buffers are
 * reused between calls); not thread-safe.
 */
public final class MaskedLmHead {
    private final INDArray lmHead;
    private final boolean tied;
    private final int capacity;
    private final int d;
    private final int v;
    private final INDArray selectedFull;
    private final INDArray logitsFull;
    private final INDArray dLogitsFull;
    private final INDArray dSelectedFull;
    private int[] selected = new int[0];
    private int count;
    private int seqLen;
    private INDArray hiddenRows;
    private INDArray dLogits;
    private boolean gradientKept;

    /**
     * @param weights a model with an LM head (read at every call: updates are seen)
     * @param capacity the most token rows ({@code rows * T}) of one call
     */
    public MaskedLmHead(TransformerWeights weights, int capacity) {
        requireNonNull(weights, "weights is null");
        if (!weights.heads().hasLm()) {
            throw new IllegalArgumentException("the model has no LM head");
        }
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive: " + capacity);
        }
        this.lmHead = weights.get(weights.lmHeadName());
        this.tied = weights.config().tiedEmbeddings();
        this.capacity = capacity;
        this.d = weights.config().dModel();
        this.v = weights.config().vocabSize();
        DataType dt = weights.dataType();
        selectedFull = Nd4j.create(dt, capacity, d);
        logitsFull = Nd4j.create(dt, capacity, v);
        dLogitsFull = Nd4j.create(dt, capacity, v);
        dSelectedFull = Nd4j.create(dt, capacity, d);
    }

    /** One evaluator per shard of {@code pass} over {@code model}, each sized for its shard's rows of {@code seqLen} columns. */
    public static MaskedLmHead[] perShard(TransformerWeights model, ShardedBackprop pass, int seqLen) {
        requireNonNull(pass, "pass is null");
        MaskedLmHead[] heads = new MaskedLmHead[pass.workers()];
        for (int k = 0; k < heads.length; k++) {
            heads[k] = new MaskedLmHead(model, pass.shardRows(k) * seqLen);
        }
        return heads;
    }

    /**
     * Token log-probs of {@code targets [B][T]} under the LM head on {@code hidden [B*T,D]} (final hidden states):
     * {@code logp[b*T+t]} where {@code mask[b][t] != 0}, 0 elsewhere; keeps {@code (softmax - onehot) * mask} at the
     * masked rows for {@link #backward}.
     */
    public double[] tokenLogProbs(INDArray hidden, int[][] targets, float[][] mask) {
        return evaluate(hidden, targets, mask, true);
    }

    /**
     * The same log-probs as {@link #tokenLogProbs}, forward only: no gradient is kept (a frozen reference, the
     * log-probs at sampling), so no backward pass may follow.
     */
    public double[] logProbs(INDArray hidden, int[][] targets, float[][] mask) {
        return evaluate(hidden, targets, mask, false);
    }

    private double[] evaluate(INDArray hidden, int[][] targets, float[][] mask, boolean withGradient) {
        requireNonNull(hidden, "hidden is null");
        requireNonNull(targets, "targets is null");
        requireNonNull(mask, "mask is null");
        int b = targets.length;
        int t = b == 0 ? 0 : targets[0].length;
        int rows = b * t;
        if (hidden.size(0) != rows || mask.length != b || rows > capacity) {
            throw new IllegalArgumentException(hidden.size(0) + " hidden rows for targets " + b + "x" + t + " (capacity " + capacity + ")");
        }
        if (selected.length < rows) {
            selected = new int[rows];
        }
        count = 0;
        seqLen = t;
        for (int r = 0; r < rows; r++) {
            if (mask[r / t][r % t] != 0) {
                selected[count++] = r;
            }
        }
        gradientKept = withGradient;
        double[] logp = new double[rows];
        if (count == 0) {
            return logp;
        }
        int[] rowsSelected = java.util.Arrays.copyOf(selected, count);
        int[][] selectedTargets = new int[1][count];
        float[][] selectedMask = new float[1][count];
        for (int i = 0; i < count; i++) {
            int r = rowsSelected[i];
            selectedTargets[0][i] = targets[r / t][r % t];
            selectedMask[0][i] = mask[r / t][r % t];
        }
        hiddenRows = first(selectedFull);
        Nd4j.pullRows(hidden, hiddenRows, 1, rowsSelected);
        INDArray logits = first(logitsFull);
        dLogits = first(dLogitsFull);
        LmHeadMatrix.logits(lmHead, tied, hiddenRows, logits);
        double[] part = withGradient ? LmLoss.tokenLogProbsAndGradient(logits, selectedTargets, selectedMask, dLogits)
                : LmLoss.tokenLogProbs(logits, selectedTargets, selectedMask, dLogits);
        for (int i = 0; i < count; i++) {
            logp[rowsSelected[i]] = part[i];
        }
        return logp;
    }

    /**
     * Backward pass for the last {@link #tokenLogProbs}: the loss's gradient at the logits is the kept unit gradient
     * times {@code sequenceScale[b]} ({@code -dLoss/dlogp} of sequence {@code b}); writes the whole of
     * {@code dHidden [B*T,D]} (zero at unselected rows) and of {@code dLmHead [D,V]}.
     */
    public void backward(double[] sequenceScale, INDArray dHidden, INDArray dLmHead) {
        requireNonNull(sequenceScale, "sequenceScale is null");
        double[] scale = new double[count];
        for (int i = 0; i < count; i++) {
            scale[i] = sequenceScale[selected[i] / seqLen];
        }
        backwardScaled(scale, dHidden, dLmHead);
    }

    private void backwardScaled(double[] scale, INDArray dHidden, INDArray dLmHead) {
        requireNonNull(dHidden, "dHidden is null");
        requireNonNull(dLmHead, "dLmHead is null");
        if (!gradientKept) {
            throw new IllegalStateException("backward needs tokenLogProbs first (logProbs keeps no gradient)");
        }
        if (count == 0) {
            dHidden.assign(0);
            dLmHead.assign(0);
            return;
        }
        dLogits.muli(Nd4j.createFromArray(scale).castTo(dLogits.dataType()).reshape(count, 1));
        LmHeadMatrix.weightGradient(tied, hiddenRows, dLogits, dLmHead, 0.0);
        INDArray dRows = first(dSelectedFull);
        LmHeadMatrix.hiddenGradient(lmHead, tied, dLogits, dRows, 0.0);
        BlockOps.scatterRows(dRows, selected, count, dHidden);
    }

    /** The first {@link #count} rows of {@code full}: a contiguous view at offset 0. */
    private INDArray first(INDArray full) {
        return count == full.size(0) ? full : full.get(NDArrayIndex.interval(0, count), NDArrayIndex.all());
    }

}
