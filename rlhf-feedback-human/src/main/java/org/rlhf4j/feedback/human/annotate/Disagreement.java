package org.rlhf4j.feedback.human.annotate;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.rlhf4j.api.feedback.Choice;

/**
 * The pairs annotators disagree on most. A pair labelled by {@code n >= 2} annotators, {@code n_j} of them choosing
 * category {@code j}, has Fleiss' per-item agreement {@code P = (sum_j n_j^2 - n) / (n (n - 1))}, the share of
 * annotator pairs that agree on it; its disagreement is {@code 1 - P}. Pairs are ranked by disagreement, then by
 * how many annotators labelled them, then in the order they were first labelled.
 */
public final class Disagreement {
    private Disagreement() {}

    /**
     * One pair's votes.
     *
     * @param pairId the pair
     * @param votes how many annotators chose A, B and tie (indexed by {@link Choice#ordinal})
     * @param disagreement {@code 1 - P}: 0 when all agree, 1 when no two do
     */
    public record PairVotes(String pairId, int[] votes, double disagreement) {
        public PairVotes {
            requireNonNull(pairId, "pairId is null");
            votes = votes.clone();
        }

        @Override
        public int[] votes() {
            return votes.clone();
        }

        /** How many annotators labelled the pair. */
        public int annotators() {
            int total = 0;
            for (int count : votes) {
                total += count;
            }
            return total;
        }
    }

    /**
     * The at most {@code limit} pairs of {@code labels} (current labels, one per annotator and pair) with any
     * disagreement on {@code dimension}, most first.
     */
    public static List<PairVotes> most(List<Label> labels, Function<Label, Choice> dimension, int limit) {
        requireNonNull(labels, "labels is null");
        requireNonNull(dimension, "dimension is null");
        Map<String, int[]> byPair = new LinkedHashMap<>();
        for (Label label : labels) {
            byPair.computeIfAbsent(label.pairId(), id -> new int[Choice.values().length])[dimension.apply(label).ordinal()]++;
        }
        List<PairVotes> ranked = new ArrayList<>();
        byPair.forEach((pairId, votes) -> {
            PairVotes pair = new PairVotes(pairId, votes, disagreement(votes));
            if (pair.annotators() >= 2 && pair.disagreement() > 0) {
                ranked.add(pair);
            }
        });
        ranked.sort(Comparator.comparingDouble(PairVotes::disagreement).reversed()
                .thenComparing(Comparator.comparingInt(PairVotes::annotators).reversed()));
        return ranked.subList(0, Math.min(limit, ranked.size()));
    }

    /** {@code 1 - P} of one pair's votes (NaN with fewer than two). */
    static double disagreement(int[] votes) {
        double n = 0;
        double squares = 0;
        for (int count : votes) {
            n += count;
            squares += (double) count * count;
        }
        return n < 2 ? Double.NaN : 1 - (squares - n) / (n * (n - 1));
    }
}
