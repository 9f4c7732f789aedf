package org.example.keywords;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.rlhf4j.api.feedback.Completion;
import org.rlhf4j.api.feedback.FeedbackContext;
import org.rlhf4j.api.feedback.FeedbackSource;
import org.rlhf4j.api.feedback.Provenance;
import org.rlhf4j.api.feedback.Score;

/**
 * Scores a response by its words: +1 for every positive word, -1 for every negative one. Comparisons
 * are derived from the scores by {@link FeedbackSource#compare}'s default.
 */
public final class KeywordScore implements FeedbackSource {
    private final String type;
    private final Set<String> positive;
    private final Set<String> negative;

    public KeywordScore(String type, KeywordScoreConfig config) {
        this.type = requireNonNull(type, "type is null");
        this.positive = lowerCase(config.positive());
        this.negative = lowerCase(config.negative());
    }

    @Override
    public List<Score> score(List<Completion> completions, FeedbackContext context) {
        Provenance provenance = new Provenance(type, "keyword-score", Instant.now());
        return completions.stream()
                .map(completion -> Score.of(completion, reward(completion.response()), provenance))
                .toList();
    }

    /** This source scores: the engine may use its scores as rewards directly. */
    public boolean givesScores() {
        return true;
    }

    private double reward(String response) {
        double reward = 0;
        for (String word : response.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}']+")) {
            if (positive.contains(word)) {
                reward += 1;
            }
            else if (negative.contains(word)) {
                reward -= 1;
            }
        }
        return reward;
    }

    private static Set<String> lowerCase(List<String> words) {
        return Set.copyOf(words.stream().map(word -> word.toLowerCase(Locale.ROOT)).toList());
    }
}
