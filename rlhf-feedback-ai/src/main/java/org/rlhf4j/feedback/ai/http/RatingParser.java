package org.rlhf4j.feedback.ai.http;

import java.util.List;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a pointwise judge's rating: {@code [[7]]} (MT-Bench's format), {@code Rating: 7}, {@code 7/10}, or an answer
 * that is just the number. A rating outside the scale, or anything else, is unparseable: never guessed.
 */
public final class RatingParser {
    private static final List<Pattern> PATTERNS = List.of(
            Pattern.compile("\\[\\[\\s*(-?\\d+)\\s*]]"),
            Pattern.compile("\\b(?:rating|score|harm)\\s*[:=]?\\s*(-?\\d+)\\b", Pattern.CASE_INSENSITIVE),
            Pattern.compile("(?<![\\d.])(-?\\d+)\\s*/\\s*\\d+\\b"),
            Pattern.compile("^\\W*(-?\\d+)\\W*$"));

    private RatingParser() {}

    /** The rating in {@code answer}, or empty when none can be read or it lies outside {@code [min, max]}. */
    public static OptionalInt parse(String answer, int min, int max) {
        if (answer == null) {
            return OptionalInt.empty();
        }
        for (Pattern pattern : PATTERNS) {
            Matcher matcher = pattern.matcher(answer.strip());
            if (matcher.find()) {
                int rating;
                try {
                    rating = Integer.parseInt(matcher.group(1));
                }
                catch (NumberFormatException e) {
                    return OptionalInt.empty();
                }
                return rating >= min && rating <= max ? OptionalInt.of(rating) : OptionalInt.empty();
            }
        }
        return OptionalInt.empty();
    }
}
