package org.rlhf4j.engine.model;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The additive causal mask of attention: 0 on and below the diagonal, {@value #NEG_INF} above it. */
public final class CausalMask {
    /** What a masked score gets: far below any real score, yet finite (its softmax weight is exactly 0 in float). */
    public static final double NEG_INF = -1e9;

    private CausalMask() {}

    /** The {@code [t, t]} mask in {@code dataType}. */
    public static INDArray of(int t, DataType dataType) {
        double[][] m = new double[t][t];
        for (int i = 0; i < t; i++) {
            for (int j = i + 1; j < t; j++) {
                m[i][j] = NEG_INF;
            }
        }
        return Nd4j.createFromArray(m).castTo(dataType);
    }
}
