package org.rlhf4j.engine.model;

import static java.util.Objects.requireNonNull;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The scalar head read over a range of tokens per row (reward, cost and discriminator models score a
 * sequence): {@code r[b] = mean(hidden[b*T + first[b] .. b*T + last[b]]) . head.w + head.b}, and its backward
 * pass. A range of one token ({@code first == last}) reads the head at that token, as TRL's reward models do
 * at the last token; a longer range mean-pools the hidden states first. A pooled read is the product of a pooling
 * matrix {@code P [B, B*T]} with the hidden states, so forward and backward are two matrix products; a read of one
 * token per row gathers those rows instead (and scatters their gradient), with no {@code [B, B*T]} matrix.
 */
public final class ScalarHead {
    private ScalarHead() {}

    /** {@code r[b]} read at token {@code last[b]} of each row. */
    public static double[] forward(INDArray hidden, int[] last, int seqLen, TransformerWeights weights) {
        return forward(hidden, last, last, seqLen, weights);
    }

    /** {@code r[b]} of hidden states {@code [B*T,D]}, mean-pooled over tokens {@code first[b]..last[b]} of each row. */
    public static double[] forward(INDArray hidden, int[] first, int[] last, int seqLen, TransformerWeights weights) {
        requireNonNull(hidden, "hidden is null");
        INDArray pooled = pooled(hidden, first, last, seqLen);
        INDArray r = pooled.mmul(weights.get(ParamNames.HEAD_W)).addi(weights.get(ParamNames.HEAD_B).getDouble(0));
        return r.reshape(last.length).toDoubleVector();
    }

    /** {@link #backward(INDArray, int[], int[], int, double[], TransformerWeights, INDArray, INDArray, INDArray)} at one token per row. */
    public static void backward(INDArray hidden, int[] last, int seqLen, double[] dR, TransformerWeights weights,
            INDArray dHidden, INDArray dHeadW, INDArray dHeadB) {
        backward(hidden, last, last, seqLen, dR, weights, dHidden, dHeadW, dHeadB);
    }

    /**
     * Backward pass for {@code dR[b] = dLoss/dr[b]}: writes the whole of {@code dHidden} {@code [B*T,D]}
     * ({@code P^T dR head.w^T}: zero outside the pooled tokens) and ADDS {@code pooled^T dR} to {@code dHeadW}
     * {@code [D,1]} and {@code sum_b dR[b]} to {@code dHeadB}.
     */
    public static void backward(INDArray hidden, int[] first, int[] last, int seqLen, double[] dR, TransformerWeights weights,
            INDArray dHidden, INDArray dHeadW, INDArray dHeadB) {
        if (dR.length != last.length) {
            throw new IllegalArgumentException(dR.length + " gradients for " + last.length + " rows");
        }
        INDArray w = weights.get(ParamNames.HEAD_W);
        INDArray d = Nd4j.createFromArray(dR).castTo(hidden.dataType()).reshape(dR.length, 1);
        INDArray pooled = pooled(hidden, first, last, seqLen);
        dHeadW.addi(pooled.transpose().mmul(d).reshape(dHeadW.shape()));
        dHeadB.addi(d.sumNumber().doubleValue());
        INDArray dPooled = d.mmul(w.reshape(1, w.length())); // [B,D]
        int[] rows = singleTokenRows(first, last, seqLen, hidden);
        if (rows != null) {
            BlockOps.scatterRows(dPooled, rows, rows.length, dHidden);
        }
        else {
            Nd4j.gemm(pooling(first, last, seqLen, hidden), dPooled, dHidden, true, false, 1.0, 0.0);
        }
    }

    /**
     * The head at every token of hidden states {@code [n,D]}, {@code v[j] = hidden[j] . head.w + head.b}: a critic's
     * per-token values.
     */
    public static double[] atEveryToken(INDArray hidden, TransformerWeights weights) {
        requireNonNull(hidden, "hidden is null");
        INDArray v = hidden.mmul(weights.get(ParamNames.HEAD_W)).addi(weights.get(ParamNames.HEAD_B).getDouble(0));
        return v.reshape(hidden.size(0)).toDoubleVector();
    }

    /**
     * Backward pass of {@link #atEveryToken} for {@code dV[j] = dLoss/dv[j]}: writes the whole of {@code dHidden}
     * {@code [n,D]} ({@code dV head.w^T}) and ADDS {@code hidden^T dV} to {@code dHeadW} and {@code sum_j dV[j]} to
     * {@code dHeadB}.
     */
    public static void backwardAtEveryToken(INDArray hidden, double[] dV, TransformerWeights weights, INDArray dHidden,
            INDArray dHeadW, INDArray dHeadB) {
        if (dV.length != hidden.size(0)) {
            throw new IllegalArgumentException(dV.length + " gradients for " + hidden.size(0) + " tokens");
        }
        INDArray w = weights.get(ParamNames.HEAD_W);
        INDArray d = Nd4j.createFromArray(dV).castTo(hidden.dataType()).reshape(dV.length, 1);
        dHeadW.addi(hidden.transpose().mmul(d).reshape(dHeadW.shape()));
        dHeadB.addi(d.sumNumber().doubleValue());
        Nd4j.gemm(d, w.reshape(1, w.length()), dHidden, false, false, 1.0, 0.0);
    }

    /** The pooled hidden states {@code [B,D]}: gathered rows for one token per row, else the pooling product. */
    private static INDArray pooled(INDArray hidden, int[] first, int[] last, int seqLen) {
        int[] rows = singleTokenRows(first, last, seqLen, hidden);
        return rows != null ? Nd4j.pullRows(hidden, 1, rows) : pooling(first, last, seqLen, hidden).mmul(hidden);
    }

    /** The hidden-state row of each row's token when every range is one token ({@code first == last}), else null. */
    private static int[] singleTokenRows(int[] first, int[] last, int seqLen, INDArray hidden) {
        if (!java.util.Arrays.equals(first, last)) {
            return null;
        }
        if (hidden.size(0) != (long) last.length * seqLen) {
            throw new IllegalArgumentException("hidden states of " + hidden.size(0) + " rows for " + last.length + " rows of " + seqLen);
        }
        int[] rows = new int[last.length];
        for (int b = 0; b < rows.length; b++) {
            if (last[b] < 0 || last[b] >= seqLen) {
                throw new IllegalArgumentException("token " + last[b] + " outside [0, " + seqLen + ")");
            }
            rows[b] = b * seqLen + last[b];
        }
        return rows;
    }

    /** The pooling matrix {@code [B, B*T]}: row b averages tokens {@code first[b]..last[b]} of row b. */
    static INDArray pooling(int[] first, int[] last, int seqLen, INDArray like) {
        if (first.length != last.length) {
            throw new IllegalArgumentException(first.length + " range starts for " + last.length + " ends");
        }
        int b = last.length;
        if (like.size(0) != (long) b * seqLen) {
            throw new IllegalArgumentException("hidden states of " + like.size(0) + " rows for " + b + " rows of " + seqLen);
        }
        float[] m = new float[b * b * seqLen];
        for (int row = 0; row < b; row++) {
            if (first[row] < 0 || last[row] >= seqLen || first[row] > last[row]) {
                throw new IllegalArgumentException("token range " + first[row] + ".." + last[row] + " outside [0, " + seqLen + ")");
            }
            float weight = 1f / (last[row] - first[row] + 1);
            for (int t = first[row]; t <= last[row]; t++) {
                m[row * b * seqLen + row * seqLen + t] = weight;
            }
        }
        return Nd4j.create(m, new long[] {b, (long) b * seqLen}, 'c').castTo(like.dataType());
    }
}
