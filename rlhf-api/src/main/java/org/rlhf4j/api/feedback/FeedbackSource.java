package org.rlhf4j.api.feedback;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A source of feedback on a policy's responses: human annotators (or a dataset of their labels),
 * an RLGAF discriminator, or an AI judge.
 *
 * <p>Every method has a default, in the manner of Trino's {@code Plugin}: a source overrides the
 * capabilities it has, and adding a capability to this interface never breaks an existing plugin. A
 * source must override at least one of {@link #compare} and {@link #score}: the default {@code compare}
 * derives preferences from scores, the default {@code score} reports that the source gives no scores. A
 * source that overrides {@code score} says so with {@link #givesScores()}, which the engine reads to decide
 * whether an arm can take rewards from the source directly (it never calls {@code score} to find out).
 *
 * <p>Life cycle: the engine calls {@link #open} once before the first request, then any number of
 * {@code compare}, {@code score} and {@link #observe} calls from one thread, then {@link #close} once.
 * Calls are batched: a source may parallelise inside a batch but must answer in input order.
 */
public interface FeedbackSource extends AutoCloseable {
    /**
     * Prepares the source (load a dataset, check a judge is reachable, ...). Called once, before any
     * other call.
     */
    default void open(FeedbackContext context) {}

    /**
     * Judges a batch of comparisons.
     *
     * <p>The default scores both responses of each comparison with {@link #score} and prefers the higher
     * reward (a tie when equal) with Bradley-Terry confidence {@code sigmoid(|reward A - reward B|)}.
     *
     * @return exactly one preference per comparison, in input order
     * @throws FeedbackException when a comparison cannot be judged
     * @throws UnsupportedOperationException when the source neither compares nor scores
     */
    default List<Preference> compare(List<Comparison> comparisons, FeedbackContext context) {
        List<Completion> completions = new ArrayList<>(comparisons.size() * 2);
        for (Comparison comparison : comparisons) {
            completions.add(comparison.completionA());
            completions.add(comparison.completionB());
        }
        List<Score> scores = score(completions, context);
        if (scores.size() != completions.size()) {
            throw new FeedbackException("score() returned " + scores.size() + " scores for "
                    + completions.size() + " completions");
        }
        List<Preference> preferences = new ArrayList<>(comparisons.size());
        for (int i = 0; i < comparisons.size(); i++) {
            Score a = scores.get(2 * i);
            Score b = scores.get(2 * i + 1);
            double margin = a.reward() - b.reward();
            Choice better = margin > 0 ? Choice.A : margin < 0 ? Choice.B : Choice.TIE;
            double confidence = better == Choice.TIE ? 0.5 : 1.0 / (1.0 + Math.exp(-Math.abs(margin)));
            preferences.add(Preference.of(comparisons.get(i), better, confidence, a.provenance()));
        }
        return preferences;
    }

    /**
     * Scores a batch of completions.
     *
     * @return exactly one score per completion, in input order
     * @throws FeedbackException when a completion cannot be scored
     * @throws UnsupportedOperationException when the source gives no scalar scores (the default)
     */
    default List<Score> score(List<Completion> completions, FeedbackContext context) {
        throw new UnsupportedOperationException(getClass().getName() + " gives no scalar scores");
    }

    /**
     * Whether this source gives scalar scores through {@link #score}: a source that overrides {@code score}
     * must return true. An arm may then use the source's scores as rewards directly, without training a
     * reward model on its preferences.
     */
    default boolean givesScores() {
        return false;
    }

    /**
     * Whether this source judges safety (harmlessness) too, filling {@link Preference#safety()} and
     * {@link Score#cost()}.
     */
    default boolean judgesSafety() {
        return false;
    }

    /**
     * Whether this source learns from policy samples between rounds (see {@link #observe}).
     * {@link LearningFeedbackSource} returns true.
     */
    default boolean learnsFromPolicy() {
        return false;
    }

    /**
     * Shows the source what the policy currently generates, so a learning source (the RLGAF
     * discriminator) can update before the next round. Sources that do not learn ignore it.
     *
     * @param policySamples completions sampled from the current policy
     * @return training metrics of the update under stable names (e.g. {@code discriminator/loss}),
     *     empty when nothing was learnt
     */
    default Map<String, Double> observe(List<Completion> policySamples, FeedbackContext context) {
        return Map.of();
    }

    /**
     * The labelled pairs this source holds, when it is a preference dataset that an arm trains on directly
     * (its reward model, cost model or DPO learn from these pairs, and no pairs are sampled from the policy).
     * Empty, the default, for a source that answers the comparisons it is given.
     */
    default Optional<List<Preference>> datasetPreferences() {
        return Optional.empty();
    }

    /**
     * What the source has measured about itself since {@link #open}, under stable names (for an AI judge, e.g.
     * {@code judge/judgements}, {@code judge/cache_hits}, {@code judge/self_consistency}): cumulative figures the
     * engine writes into the run's metrics and summary. Empty by default.
     */
    default Map<String, Double> metrics() {
        return Map.of();
    }

    /**
     * The source's state, for a source whose judgements depend on what it has {@link #observe}d (the RLGAF
     * discriminator's weights, optimizer moments and replay buffer), or whose {@link #metrics()} count its work (an AI
     * judge's requests and gold agreement): the engine stores it with the arm's checkpoints (and, for a source that does
     * not learn from the policy, after it labelled the arm's preferences) and gives it back to {@link #restoreState} on
     * resume, so a resumed run judges and reports exactly as an uninterrupted one. The format is the source's own (it
     * should carry a version). The default, for a source that neither learns nor counts, is no state: an empty array.
     */
    default byte[] saveState() {
        return new byte[0];
    }

    /**
     * Restores what {@link #saveState()} returned, after {@link #open} and before any other call of a resumed run.
     * The default accepts only the empty state of a source that learns nothing.
     *
     * @throws IllegalArgumentException when the state is not one this source saved
     */
    default void restoreState(byte[] state) {
        if (state.length != 0) {
            throw new IllegalArgumentException(getClass().getName() + " keeps no state, got " + state.length + " bytes");
        }
    }

    /** Releases what {@link #open} acquired. Called once; must not throw for an unopened source. */
    @Override
    default void close() {}
}
