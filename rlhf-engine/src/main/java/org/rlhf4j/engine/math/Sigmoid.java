package org.rlhf4j.engine.math;

/** The logistic function and its logarithm, stable for large |x|. */
public final class Sigmoid {
    private Sigmoid() {}

    /** {@code sigmoid(x) = 1 / (1 + e^-x)}. */
    public static double of(double x) {
        if (x >= 0) {
            return 1 / (1 + Math.exp(-x));
        }
        double e = Math.exp(x);
        return e / (1 + e);
    }

    /** {@code log sigmoid(x)}. */
    public static double log(double x) {
        return x >= 0 ? -Math.log1p(Math.exp(-x)) : x - Math.log1p(Math.exp(x));
    }
}
