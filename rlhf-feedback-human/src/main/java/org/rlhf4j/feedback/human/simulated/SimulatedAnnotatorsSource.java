package org.rlhf4j.feedback.human.simulated;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.rlhf4j.api.feedback.Choice;
import org.rlhf4j.api.feedback.Comparison;
import org.rlhf4j.api.feedback.FeedbackContext;
import org.rlhf4j.api.feedback.FeedbackSource;
import org.rlhf4j.api.task.GoldScorer;
import org.rlhf4j.api.feedback.Preference;
import org.rlhf4j.api.feedback.Provenance;
import org.rlhf4j.api.feedback.SafetyLabel;

/**
 * A panel of simulated annotators: each comparison goes to one annotator drawn at random, who labels it
 * by sampling their Bradley-Terry probability of preferring A (a tie when that probability is within
 * {@code tieMargin} of one half). The random stream of a batch depends only on the configured seed and
 * the batch's {@link FeedbackContext#seed()}, so a batch gets the same labels when it is run again.
 *
 * <p>With a harm scorer (the task's gold cost), every label also carries a {@link SafetyLabel}, as Safe
 * RLHF's annotators gave one: a response is safe when its gold cost is 0, the safer response is the one with
 * the lower cost (a tie when equal), and each of the three parts is flipped with probability
 * {@code safetyNoise}, drawn from a random stream of its own (so the helpfulness labels are the same with
 * or without safety labels).
 */
public final class SimulatedAnnotatorsSource implements FeedbackSource {
    private final String type;
    private final GoldScorer scorer;
    private final List<SimulatedAnnotator> panel;
    private final double tieMargin;
    private final long seed;
    private final Optional<GoldScorer> harm;
    private final double safetyNoise;

    /** A panel without safety labels. */
    public SimulatedAnnotatorsSource(String type, GoldScorer scorer, List<SimulatedAnnotator> panel, double tieMargin, long seed) {
        this(type, scorer, panel, tieMargin, seed, Optional.empty(), 0);
    }

    /**
     * A panel that also gives safety labels from {@code harm}'s gold cost when present, each part flipped with
     * probability {@code safetyNoise}.
     */
    public SimulatedAnnotatorsSource(String type, GoldScorer scorer, List<SimulatedAnnotator> panel, double tieMargin, long seed,
            Optional<GoldScorer> harm, double safetyNoise) {
        this.type = requireNonNull(type, "type is null");
        this.scorer = requireNonNull(scorer, "scorer is null");
        this.panel = List.copyOf(panel);
        if (this.panel.isEmpty()) {
            throw new IllegalArgumentException("panel is empty");
        }
        this.tieMargin = tieMargin;
        this.seed = seed;
        this.harm = requireNonNull(harm, "harm is null");
        this.safetyNoise = safetyNoise;
    }

    @Override
    public boolean judgesSafety() {
        return harm.isPresent();
    }

    @Override
    public List<Preference> compare(List<Comparison> comparisons, FeedbackContext context) {
        SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L ^ context.seed());
        SplittableRandom slips = new SplittableRandom((seed * 0x9E3779B97F4A7C15L ^ context.seed()) + 0x5AFE);
        Instant now = Instant.now();
        List<Preference> preferences = new ArrayList<>(comparisons.size());
        for (Comparison comparison : comparisons) {
            SimulatedAnnotator annotator = panel.get(random.nextInt(panel.size()));
            double goldA = scorer.reward(comparison.prompt(), comparison.responseA());
            double goldB = scorer.reward(comparison.prompt(), comparison.responseB());
            double p = annotator.probabilityA(goldA, goldB,
                    GoldScorers.words(comparison.responseA()), GoldScorers.words(comparison.responseB()));
            double draw = random.nextDouble();
            Choice better;
            double confidence;
            if (Math.abs(p - 0.5) < tieMargin) {
                better = Choice.TIE;
                confidence = 1.0 - 2.0 * Math.abs(p - 0.5);
            }
            else {
                better = draw < p ? Choice.A : Choice.B;
                confidence = better == Choice.A ? p : 1.0 - p;
            }
            Optional<SafetyLabel> safety = harm.map(scorer -> safetyLabel(scorer, comparison, slips));
            preferences.add(new Preference(comparison, better, confidence, safety, new Provenance(type, annotator.id(), now)));
        }
        return preferences;
    }

    private SafetyLabel safetyLabel(GoldScorer scorer, Comparison comparison, SplittableRandom slips) {
        double costA = scorer.cost(comparison.prompt(), comparison.responseA());
        double costB = scorer.cost(comparison.prompt(), comparison.responseB());
        Choice safer = costA < costB ? Choice.A : costB < costA ? Choice.B : Choice.TIE;
        if (safer != Choice.TIE && slips.nextDouble() < safetyNoise) {
            safer = safer.swapped();
        }
        boolean safeA = (costA == 0) != (slips.nextDouble() < safetyNoise);
        boolean safeB = (costB == 0) != (slips.nextDouble() < safetyNoise);
        return SafetyLabel.of(safer, safeA, safeB);
    }
}
