package org.example.keywords;

import java.util.List;

/**
 * Settings of {@code example-keyword-score}: every key next to {@code type:} in the arm's {@code feedback}.
 *
 * @param positive words that add 1 to a response's reward (required)
 * @param negative words that take 1 from it (default none)
 */
public record KeywordScoreConfig(List<String> positive, List<String> negative) {
    public KeywordScoreConfig {
        // a required key: a missing one is reported with the config file and line of the arm's feedback
        if (positive == null || positive.isEmpty()) {
            throw new IllegalArgumentException("missing 'positive' (a list of words, e.g. [great, sturdy])");
        }
        positive = List.copyOf(positive);
        // an optional key: its default
        negative = negative == null ? List.of() : List.copyOf(negative);
    }
}
