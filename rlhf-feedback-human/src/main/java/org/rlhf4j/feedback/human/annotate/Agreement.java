package org.rlhf4j.feedback.human.annotate;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import org.rlhf4j.api.feedback.Choice;

/**
 * Chance-corrected agreement between annotators on one label (which response is better, or which is more
 * harmless), over the categories A, B and tie.
 *
 * <ul>
 *   <li>Cohen's kappa for each pair of annotators, on the pairs both labelled:
 *       {@code (p_o - p_e) / (1 - p_e)}, {@code p_o} the share of those pairs they labelled alike, {@code p_e}
 *       the chance of that given each one's own category shares.</li>
 *   <li>Fleiss' kappa over every pair labelled by two or more annotators, in the form that allows a
 *       different number of raters per item: {@code P_i = (sum_j n_ij^2 - n_i) / (n_i (n_i - 1))},
 *       {@code p_j = sum_i n_ij / sum_i n_i}, {@code kappa = (mean P_i - sum_j p_j^2) / (1 - sum_j p_j^2)}; with
 *       the same number of raters on every item it is Fleiss' (1971) statistic.</li>
 * </ul>
 *
 * A kappa is {@code NaN} when it is undefined: no shared items, or chance agreement of 1 (everyone used one
 * category).
 */
public final class Agreement {
    private Agreement() {}

    /** Cohen's kappa of two raters' categories on the same items ({@code first[i]} and {@code second[i]} rate item i). */
    public static double cohen(int[] first, int[] second, int categories) {
        if (first.length != second.length) {
            throw new IllegalArgumentException("the two raters rated " + first.length + " and " + second.length + " items");
        }
        int n = first.length;
        if (n == 0) {
            return Double.NaN;
        }
        double[] shareFirst = new double[categories];
        double[] shareSecond = new double[categories];
        int agree = 0;
        for (int i = 0; i < n; i++) {
            shareFirst[first[i]] += 1.0 / n;
            shareSecond[second[i]] += 1.0 / n;
            agree += first[i] == second[i] ? 1 : 0;
        }
        double observed = (double) agree / n;
        double chance = 0;
        for (int k = 0; k < categories; k++) {
            chance += shareFirst[k] * shareSecond[k];
        }
        return chance >= 1 - 1e-12 ? Double.NaN : (observed - chance) / (1 - chance);
    }

    /** Fleiss' kappa of items rated by varying numbers of raters: {@code counts[i][j]} raters put item i in category j. */
    public static double fleiss(List<int[]> counts) {
        List<int[]> items = counts.stream().filter(c -> total(c) >= 2).toList();
        if (items.isEmpty()) {
            return Double.NaN;
        }
        int categories = items.get(0).length;
        double[] categoryTotals = new double[categories];
        double ratings = 0;
        double meanAgreement = 0;
        for (int[] item : items) {
            int raters = total(item);
            double squares = 0;
            for (int j = 0; j < categories; j++) {
                squares += (double) item[j] * item[j];
                categoryTotals[j] += item[j];
            }
            ratings += raters;
            meanAgreement += (squares - raters) / ((double) raters * (raters - 1));
        }
        meanAgreement /= items.size();
        double chance = 0;
        for (double total : categoryTotals) {
            chance += (total / ratings) * (total / ratings);
        }
        return chance >= 1 - 1e-12 ? Double.NaN : (meanAgreement - chance) / (1 - chance);
    }

    /**
     * The agreement of every annotator pair and of all annotators on one label of {@code labels}.
     *
     * @param dimension which label: {@link Label#better} or {@link Label#moreHarmless}
     */
    public static Report report(List<Label> labels, Function<Label, Choice> dimension) {
        Map<String, Map<String, Choice>> byPair = new TreeMap<>();
        Set<String> annotators = new TreeSet<>();
        for (Label label : labels) {
            byPair.computeIfAbsent(label.pairId(), key -> new TreeMap<>()).put(label.annotator(), dimension.apply(label));
            annotators.add(label.annotator());
        }
        List<int[]> counts = new ArrayList<>();
        for (Map<String, Choice> votes : byPair.values()) {
            int[] item = new int[Choice.values().length];
            votes.values().forEach(choice -> item[choice.ordinal()]++);
            counts.add(item);
        }
        List<String> names = new ArrayList<>(annotators);
        List<PairKappa> pairs = new ArrayList<>();
        for (int x = 0; x < names.size(); x++) {
            for (int y = x + 1; y < names.size(); y++) {
                List<Integer> first = new ArrayList<>();
                List<Integer> second = new ArrayList<>();
                for (Map<String, Choice> votes : byPair.values()) {
                    Choice a = votes.get(names.get(x));
                    Choice b = votes.get(names.get(y));
                    if (a != null && b != null) {
                        first.add(a.ordinal());
                        second.add(b.ordinal());
                    }
                }
                if (!first.isEmpty()) {
                    pairs.add(new PairKappa(names.get(x), names.get(y), first.size(),
                            cohen(ints(first), ints(second), Choice.values().length)));
                }
            }
        }
        long shared = counts.stream().filter(c -> total(c) >= 2).count();
        return new Report(fleiss(counts), shared, pairs);
    }

    /**
     * Agreement on one label.
     *
     * @param fleissKappa Fleiss' kappa over the items labelled by two or more annotators
     * @param sharedItems how many such items there are
     * @param cohen Cohen's kappa of every annotator pair that shares an item
     */
    public record Report(double fleissKappa, long sharedItems, List<PairKappa> cohen) {}

    /**
     * Cohen's kappa of two annotators.
     *
     * @param first one annotator
     * @param second the other
     * @param items how many pairs both labelled
     * @param kappa their kappa
     */
    public record PairKappa(String first, String second, long items, double kappa) {}

    private static int total(int[] item) {
        int total = 0;
        for (int count : item) {
            total += count;
        }
        return total;
    }

    private static int[] ints(List<Integer> values) {
        return values.stream().mapToInt(Integer::intValue).toArray();
    }
}
