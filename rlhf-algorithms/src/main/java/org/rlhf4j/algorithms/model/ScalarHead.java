package org.rlhf4j.algorithms.model;

import static java.util.Objects.requireNonNull;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The scalar head read at one token per row (reward, cost and discriminator models score a sequence at its
 * last token): {@code r[b] = hidden[b*T + last[b]] . head.w + head.b}, and its backward pass.
 */
public final class ScalarHead {
    private ScalarHead() {}

    /** The rows {@code b*T + last[b]} of {@code [B*T,D]} hidden states. */
    static int[] rows(int[] last, int seqLen) {
        int[] rows = new int[last.length];
        for (int b = 0; b < last.length; b++) {
            if (last[b] < 0 || last[b] >= seqLen) {
                throw new IllegalArgumentException("last index " + last[b] + " outside [0, " + seqLen + ")");
            }
            rows[b] = b * seqLen + last[b];
        }
        return rows;
    }

    /** {@code r[b]} for hidden states {@code [B*T,D]} of a model with a scalar head. */
    public static double[] forward(INDArray hidden, int[] last, int seqLen, TransformerWeights weights) {
        requireNonNull(hidden, "hidden is null");
        INDArray picked = Nd4j.pullRows(hidden, 1, rows(last, seqLen));
        INDArray r = picked.mmul(weights.get(ParamNames.HEAD_W)).addi(weights.get(ParamNames.HEAD_B).getDouble(0));
        return r.reshape(last.length).toDoubleVector();
    }

    /**
     * Backward pass for {@code dR[b] = dLoss/dr[b]}: writes the whole of {@code dHidden} {@code [B*T,D]} (zero
     * except at the scored rows, where it is {@code dR[b] * head.w}) and ADDS {@code sum_b dR[b] hidden_row(b)} to
     * {@code dHeadW} {@code [D,1]} and {@code sum_b dR[b]} to {@code dHeadB}.
     */
    public static void backward(INDArray hidden, int[] last, int seqLen, double[] dR, TransformerWeights weights,
            INDArray dHidden, INDArray dHeadW, INDArray dHeadB) {
        int[] rows = rows(last, seqLen);
        if (dR.length != rows.length) {
            throw new IllegalArgumentException(dR.length + " gradients for " + rows.length + " rows");
        }
        INDArray w = weights.get(ParamNames.HEAD_W);
        INDArray d = Nd4j.createFromArray(dR).castTo(hidden.dataType()).reshape(rows.length, 1);
        INDArray picked = Nd4j.pullRows(hidden, 1, rows);
        dHeadW.addi(picked.transpose().mmul(d).reshape(dHeadW.shape()));
        dHeadB.addi(d.sumNumber().doubleValue());
        dHidden.assign(0);
        INDArray wRow = w.reshape(1, w.length());
        for (int b = 0; b < rows.length; b++) {
            dHidden.getRow(rows[b]).assign(wRow.mul(dR[b]).reshape(w.length()));
        }
    }
}
