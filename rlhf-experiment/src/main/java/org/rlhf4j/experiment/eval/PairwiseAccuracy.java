package org.rlhf4j.experiment.eval;

import static java.util.Objects.requireNonNull;

/**
 * Pairwise accuracy of a reward (or cost) model on held-out preference pairs: the fraction of pairs where
 * the model scores the chosen response above the rejected one, ties counting {@code 0.5}. TRL logs the
 * training-time version as {@code rewards/accuracies}. For a cost model, pass as {@code chosen} the response
 * the label says should score higher (the more harmful one).
 */
public final class PairwiseAccuracy {
    private PairwiseAccuracy() {}

    /**
     * @param chosen the model's scores of the preferred responses
     * @param rejected the model's scores of the other responses, pair by pair
     * @throws IllegalArgumentException if the arrays are empty or of different lengths
     */
    public static double of(double[] chosen, double[] rejected) {
        requireNonNull(chosen, "chosen is null");
        requireNonNull(rejected, "rejected is null");
        Checks.paired(chosen.length, rejected.length);
        double points = 0.0;
        for (int i = 0; i < chosen.length; i++) {
            if (chosen[i] > rejected[i]) {
                points += 1.0;
            } else if (chosen[i] == rejected[i]) {
                points += 0.5;
            }
        }
        return points / chosen.length;
    }
}
