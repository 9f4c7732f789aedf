package org.rlhf4j.experiment.eval;

import static java.util.Objects.requireNonNull;

/**
 * Win rate of a policy against a baseline (usually the SFT policy) by a scorer (usually gold reward), on
 * paired samples: element {@code i} of both arrays scores the two policies' responses to the same prompt.
 * {@code winRate = (wins + 0.5 * ties) / n}; a policy against itself scores exactly {@code 0.5}.
 */
public final class WinRate {
    private WinRate() {}

    /** The win rate with exact ties. */
    public static double of(double[] policyScores, double[] baselineScores) {
        return of(policyScores, baselineScores, 0.0);
    }

    /**
     * The win rate, counting {@code |policy - baseline| <= tieTolerance} as a tie.
     *
     * @throws IllegalArgumentException if the arrays are empty or of different lengths
     */
    public static double of(double[] policyScores, double[] baselineScores, double tieTolerance) {
        requireNonNull(policyScores, "policyScores is null");
        requireNonNull(baselineScores, "baselineScores is null");
        Checks.paired(policyScores.length, baselineScores.length);
        if (!(tieTolerance >= 0)) {
            throw new IllegalArgumentException("tieTolerance must be >= 0: " + tieTolerance);
        }
        double points = 0.0;
        for (int i = 0; i < policyScores.length; i++) {
            double difference = policyScores[i] - baselineScores[i];
            if (Math.abs(difference) <= tieTolerance) {
                points += 0.5;
            } else if (difference > 0) {
                points += 1.0;
            }
        }
        return points / policyScores.length;
    }
}
