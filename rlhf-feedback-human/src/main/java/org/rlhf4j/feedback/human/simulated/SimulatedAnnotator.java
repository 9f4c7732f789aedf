package org.rlhf4j.feedback.human.simulated;

import static java.util.Objects.requireNonNull;

/**
 * One simulated annotator's Bradley-Terry model of preferring response A.
 *
 * @param id the annotator's id in provenance
 * @param temperature the noise scale; 0 makes the annotator follow the gold score exactly
 * @param positionBias added to the logit of preferring A
 * @param lengthBias added to the logit per word that A is longer than B
 */
public record SimulatedAnnotator(String id, double temperature, double positionBias, double lengthBias) {
    public SimulatedAnnotator {
        requireNonNull(id, "id is null");
        if (!(temperature >= 0 && Double.isFinite(temperature))) {
            throw new IllegalArgumentException("temperature must be finite and >= 0, got " + temperature);
        }
    }

    /**
     * P(A preferred) = sigmoid((gold A - gold B) / temperature + position_bias + length_bias * (words A - words B)).
     * At temperature 0 the gold difference dominates: 1 or 0 when the gold scores differ.
     */
    public double probabilityA(double goldA, double goldB, int wordsA, int wordsB) {
        double difference = goldA - goldB;
        double quality;
        if (temperature == 0) {
            quality = difference > 0 ? Double.POSITIVE_INFINITY : difference < 0 ? Double.NEGATIVE_INFINITY : 0;
        }
        else {
            quality = difference / temperature;
        }
        double logit = quality + positionBias + lengthBias * (wordsA - wordsB);
        return 1.0 / (1.0 + Math.exp(-logit));
    }
}
