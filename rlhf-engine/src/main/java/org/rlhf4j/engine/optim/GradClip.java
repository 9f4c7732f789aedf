package org.rlhf4j.engine.optim;

import java.util.Collection;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Global-norm helpers for gradient clipping. */
public final class GradClip {
    private GradClip() {}

    /** sqrt(sum over arrays of sum of squares). */
    public static double globalNorm(Collection<INDArray> grads) {
        double sq = 0;
        for (INDArray g : grads) {
            double n = g.norm2Number().doubleValue();
            sq += n * n;
        }
        return Math.sqrt(sq);
    }
}
