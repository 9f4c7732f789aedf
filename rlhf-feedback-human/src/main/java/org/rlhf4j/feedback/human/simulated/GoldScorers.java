package org.rlhf4j.feedback.human.simulated;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.rlhf4j.api.feedback.GoldScorer;

/** The built-in gold scorers simulated annotators can use until a task supplies its own. */
public final class GoldScorers {
    /** The built-in scorers. */
    public enum Kind {
        /** The number of words of the response. */
        LENGTH,
        /** The summed weights of the listed words occurring in the response. */
        KEYWORDS
    }

    private GoldScorers() {}

    /** The scorer of {@code kind}; {@code keywords} is used by {@link Kind#KEYWORDS}. */
    public static GoldScorer of(Kind kind, Map<String, Double> keywords) {
        return switch (kind) {
            case LENGTH -> (prompt, response) -> words(response);
            case KEYWORDS -> keywords(keywords);
        };
    }

    /** Sums {@code weights} of every word occurrence in the response (case-insensitive). */
    public static GoldScorer keywords(Map<String, Double> weights) {
        Map<String, Double> lower = new HashMap<>();
        weights.forEach((word, weight) -> lower.put(word.toLowerCase(Locale.ROOT), weight));
        return (prompt, response) -> {
            double score = 0;
            for (String token : tokens(response)) {
                score += lower.getOrDefault(token, 0.0);
            }
            return score;
        };
    }

    /** The number of words (runs of letters, digits and apostrophes). */
    public static int words(String text) {
        return tokens(text).length;
    }

    private static String[] tokens(String text) {
        String trimmed = text.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N}']+", " ").trim();
        return trimmed.isEmpty() ? new String[0] : trimmed.split(" ");
    }
}
