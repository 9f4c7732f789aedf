package org.rlhf4j.experiment.eval;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * Correlation of a model's scores with gold scores. Both return {@code NaN} when either input is constant
 * (the correlation is undefined).
 */
public final class Correlation {
    private Correlation() {}

    /**
     * Pearson's product-moment correlation.
     *
     * @throws IllegalArgumentException if the arrays are empty or of different lengths
     */
    public static double pearson(double[] x, double[] y) {
        requireNonNull(x, "x is null");
        requireNonNull(y, "y is null");
        Checks.paired(x.length, y.length);
        double meanX = Arrays.stream(x).average().orElseThrow();
        double meanY = Arrays.stream(y).average().orElseThrow();
        double sxy = 0.0;
        double sxx = 0.0;
        double syy = 0.0;
        for (int i = 0; i < x.length; i++) {
            double dx = x[i] - meanX;
            double dy = y[i] - meanY;
            sxy += dx * dy;
            sxx += dx * dx;
            syy += dy * dy;
        }
        if (sxx == 0.0 || syy == 0.0) {
            return Double.NaN;
        }
        return sxy / Math.sqrt(sxx * syy);
    }

    /** Spearman's rank correlation: Pearson's correlation of the {@link #ranks(double[]) ranks} (ties averaged). */
    public static double spearman(double[] x, double[] y) {
        requireNonNull(x, "x is null");
        requireNonNull(y, "y is null");
        Checks.paired(x.length, y.length);
        return pearson(ranks(x), ranks(y));
    }

    /** Ranks from 1 (smallest) to n; tied values share the mean of their ranks ({1, 3, 3} gives {1, 2.5, 2.5}). */
    public static double[] ranks(double[] values) {
        requireNonNull(values, "values is null");
        Integer[] order = IntStream.range(0, values.length).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.comparingDouble(i -> values[i]));
        double[] ranks = new double[values.length];
        int start = 0;
        while (start < order.length) {
            int end = start;
            while (end + 1 < order.length && values[order[end + 1]] == values[order[start]]) {
                end++;
            }
            double rank = (start + end) / 2.0 + 1.0;
            for (int k = start; k <= end; k++) {
                ranks[order[k]] = rank;
            }
            start = end + 1;
        }
        return ranks;
    }
}
