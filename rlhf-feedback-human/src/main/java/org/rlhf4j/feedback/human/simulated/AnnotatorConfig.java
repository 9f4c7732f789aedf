package org.rlhf4j.feedback.human.simulated;

/**
 * One simulated annotator of an explicit {@code panel}.
 *
 * @param id the annotator's id in provenance (default {@code annotator-<index>})
 * @param temperature Bradley-Terry noise: 0 always follows the gold scorer, larger is noisier
 * @param positionBias added to the logit of preferring A (positive favours the first response)
 * @param lengthBias added to the logit per word that A is longer than B
 */
public record AnnotatorConfig(String id, Double temperature, Double positionBias, Double lengthBias) {
    public AnnotatorConfig {
        if (temperature != null && !(temperature >= 0 && Double.isFinite(temperature))) {
            throw new IllegalArgumentException("temperature must be finite and >= 0, got " + temperature);
        }
        if (positionBias != null && !Double.isFinite(positionBias)) {
            throw new IllegalArgumentException("position_bias must be finite, got " + positionBias);
        }
        if (lengthBias != null && !Double.isFinite(lengthBias)) {
            throw new IllegalArgumentException("length_bias must be finite, got " + lengthBias);
        }
    }
}
