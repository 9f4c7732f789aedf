package org.rlhf4j.algorithms.onlinedpo;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.rlhf4j.algorithms.preference.LabelledPair;
import org.rlhf4j.algorithms.preference.PairLabeller;
import org.rlhf4j.algorithms.reward.RewardFunction;
import org.rlhf4j.api.feedback.Choice;
import org.rlhf4j.api.feedback.Comparison;
import org.rlhf4j.api.feedback.Completion;
import org.rlhf4j.engine.train.TrainingLoop;

/**
 * Labels pairs by the arm's reward seam (TRL's online DPO with a reward model): both responses scored in one batch, the
 * higher preferred with Bradley-Terry confidence, a tie when equal. The scores of the last batch are kept for the
 * algorithm's metrics ({@code objective/scores}).
 */
final class RewardLabeller implements PairLabeller {
    private final RewardFunction seam;
    private double[] lastScores = new double[0];

    RewardLabeller(RewardFunction seam) {
        this.seam = requireNonNull(seam, "seam is null");
    }

    @Override
    public String describe() {
        return seam.describe();
    }

    @Override
    public Map<String, Double> observe(List<Completion> policySamples, long step) {
        return seam.observe(policySamples, step);
    }

    @Override
    public List<LabelledPair> label(List<Comparison> comparisons, long step) {
        List<Completion> completions = new ArrayList<>(2 * comparisons.size());
        for (Comparison comparison : comparisons) {
            completions.add(comparison.completionA());
            completions.add(comparison.completionB());
        }
        lastScores = seam.score(completions).rewards();
        List<LabelledPair> out = new ArrayList<>(comparisons.size());
        for (int i = 0; i < comparisons.size(); i++) {
            Comparison c = comparisons.get(i);
            double margin = lastScores[2 * i] - lastScores[2 * i + 1];
            Choice better = margin > 0 ? Choice.A : margin < 0 ? Choice.B : Choice.TIE;
            out.add(new LabelledPair(c.prompt(), c.responseA(), c.responseB(), better,
                    better == Choice.TIE ? 0.5 : 1 / (1 + Math.exp(-Math.abs(margin))), Optional.empty()));
        }
        return out;
    }

    /** The scores of the last labelled batch, A then B of each pair. */
    double[] lastScores() {
        return lastScores.clone();
    }

    @Override
    public Optional<TrainingLoop.State> learnedState() {
        return seam.learnedState();
    }
}
