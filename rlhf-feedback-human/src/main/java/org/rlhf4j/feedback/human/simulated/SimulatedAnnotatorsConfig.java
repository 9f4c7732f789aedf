package org.rlhf4j.feedback.human.simulated;

import java.util.List;
import java.util.Map;

/**
 * Settings of {@code simulated-annotators}: a panel of annotators that turn a gold scorer into noisy
 * Bradley-Terry labels, {@code P(A) = sigmoid((g(A) - g(B)) / temperature + position_bias
 * + length_bias * (words(A) - words(B)))}.
 *
 * @param scorer the gold scorer: {@code task} (the experiment task's gold scorer; the default without
 *     {@code keywords}), {@code length} (words in the response) or {@code keywords} (the default with {@code keywords})
 * @param keywords for {@code keywords}: weight per word (case-insensitive), summed over occurrences
 * @param annotators the panel size when no {@code panel} is given (default 3)
 * @param temperature default temperature of each annotator (default 1.0)
 * @param positionBias default position bias (default 0.0)
 * @param lengthBias default length bias (default 0.0)
 * @param panel explicit annotators, overriding {@code annotators}; missing fields take the defaults above
 * @param tieMargin a label is a tie when |P(A) - 0.5| < tie_margin (default 0.0: no ties)
 * @param seed mixed into each batch's seed (default 0)
 * @param dimension for {@code task}: {@code reward} (default) or {@code cost} (the less harmful response wins)
 * @param safetyNoise for {@code task} with a task that models harm: the probability that each of the three
 *     parts of a safety label (the safer response, is A safe, is B safe) is flipped, as an annotator's slip
 *     (default 0.05). Safety labels come from the task's gold cost: a response is safe when its cost is 0, the
 *     safer one has the lower cost (a tie when equal)
 */
public record SimulatedAnnotatorsConfig(
        GoldScorers.Kind scorer,
        Map<String, Double> keywords,
        Integer annotators,
        Double temperature,
        Double positionBias,
        Double lengthBias,
        List<AnnotatorConfig> panel,
        Double tieMargin,
        Long seed,
        GoldScorers.Dimension dimension,
        Double safetyNoise) {
    public SimulatedAnnotatorsConfig {
        keywords = keywords == null ? Map.of() : Map.copyOf(keywords);
        scorer = scorer != null ? scorer : keywords.isEmpty() ? GoldScorers.Kind.TASK : GoldScorers.Kind.KEYWORDS;
        if (scorer == GoldScorers.Kind.KEYWORDS && keywords.isEmpty()) {
            throw new IllegalArgumentException("scorer 'keywords' needs 'keywords' (e.g. {great: 1, broken: -1})");
        }
        keywords.forEach((word, weight) -> {
            if (weight == null || !Double.isFinite(weight)) {
                throw new IllegalArgumentException("keyword '" + word + "' needs a finite weight, got " + weight);
            }
        });
        annotators = annotators == null ? 3 : annotators;
        if (annotators < 1) {
            throw new IllegalArgumentException("annotators must be >= 1, got " + annotators);
        }
        temperature = temperature == null ? 1.0 : temperature;
        positionBias = positionBias == null ? 0.0 : positionBias;
        lengthBias = lengthBias == null ? 0.0 : lengthBias;
        new AnnotatorConfig(null, temperature, positionBias, lengthBias); // same checks as a panel member
        panel = panel == null ? List.of() : List.copyOf(panel);
        tieMargin = tieMargin == null ? 0.0 : tieMargin;
        if (!(tieMargin >= 0 && tieMargin <= 0.5)) {
            throw new IllegalArgumentException("tie_margin must be in [0, 0.5], got " + tieMargin);
        }
        seed = seed == null ? 0L : seed;
        dimension = dimension == null ? GoldScorers.Dimension.REWARD : dimension;
        safetyNoise = safetyNoise == null ? 0.05 : safetyNoise;
        if (!(safetyNoise >= 0 && safetyNoise <= 0.5)) {
            throw new IllegalArgumentException("safety_noise must be in [0, 0.5], got " + safetyNoise);
        }
        if (dimension != GoldScorers.Dimension.REWARD && scorer != GoldScorers.Kind.TASK) {
            throw new IllegalArgumentException("dimension '" + dimension.name().toLowerCase(java.util.Locale.ROOT)
                    + "' needs scorer 'task'");
        }
    }

    /** The panel, with defaults filled in. */
    public List<SimulatedAnnotator> annotatorPanel() {
        if (panel.isEmpty()) {
            return java.util.stream.IntStream.range(0, annotators)
                    .mapToObj(i -> new SimulatedAnnotator("annotator-" + i, temperature, positionBias, lengthBias))
                    .toList();
        }
        return java.util.stream.IntStream.range(0, panel.size())
                .mapToObj(i -> {
                    AnnotatorConfig member = panel.get(i);
                    return new SimulatedAnnotator(
                            member.id() == null ? "annotator-" + i : member.id(),
                            member.temperature() == null ? temperature : member.temperature(),
                            member.positionBias() == null ? positionBias : member.positionBias(),
                            member.lengthBias() == null ? lengthBias : member.lengthBias());
                })
                .toList();
    }
}
