package org.rlhf4j.algorithms.loss;

import static java.util.Objects.requireNonNull;

import java.util.Map;

/**
 * A pairwise loss over a batch of pairs and its gradient.
 *
 * @param loss the loss (a mean over the batch's pairs, or a sum divided by a given normaliser)
 * @param dFirst dLoss/d(score or log-prob) of the first member of each pair (chosen, safer)
 * @param dSecond dLoss/d(score or log-prob) of the second member of each pair (rejected, more harmful)
 * @param metrics the logged parts, by metric name (means over the batch)
 */
public record PairLoss(double loss, double[] dFirst, double[] dSecond, Map<String, Double> metrics) {
    public PairLoss {
        requireNonNull(dFirst, "dFirst is null");
        requireNonNull(dSecond, "dSecond is null");
        metrics = Map.copyOf(metrics);
    }

    static void checkLengths(double[]... arrays) {
        for (double[] array : arrays) {
            if (array.length != arrays[0].length) {
                throw new IllegalArgumentException("inputs of different lengths: " + array.length + " and " + arrays[0].length);
            }
        }
    }
}
