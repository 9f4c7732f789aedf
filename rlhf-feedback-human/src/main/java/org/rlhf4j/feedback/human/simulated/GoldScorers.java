package org.rlhf4j.feedback.human.simulated;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.rlhf4j.api.task.GoldScorer;
import org.rlhf4j.api.task.Task;

/**
 * The gold scorers simulated annotators label with: the experiment task's own gold scorer, or a simple
 * built-in one (for comparisons without a task).
 */
public final class GoldScorers {
    /** Which gold scorer. */
    public enum Kind {
        /** The experiment task's gold scorer, on the {@link Dimension} chosen (needs a {@code task}). */
        TASK,
        /** The number of words of the response. */
        LENGTH,
        /** The summed weights of the listed words occurring in the response. */
        KEYWORDS
    }

    /** Which of the task's gold scores annotators compare. */
    public enum Dimension {
        /** The gold reward: the more helpful response is better. */
        REWARD,
        /** The gold cost: the less harmful response is better (annotators compare {@code -cost}). */
        COST
    }

    private GoldScorers() {}

    /**
     * The scorer of {@code kind}; {@code keywords} is used by {@link Kind#KEYWORDS}, {@code task} and
     * {@code dimension} by {@link Kind#TASK}.
     *
     * @throws IllegalArgumentException if {@code kind} is {@link Kind#TASK} and there is no task
     */
    public static GoldScorer of(Kind kind, Map<String, Double> keywords, Optional<Task> task, Dimension dimension) {
        return switch (kind) {
            case TASK -> task(task.orElseThrow(() -> new IllegalArgumentException(
                    "scorer 'task' needs the experiment's 'task' ({type: reviews, ...} at the top of the config)")), dimension);
            case LENGTH -> (prompt, response) -> words(response);
            case KEYWORDS -> keywords(keywords);
        };
    }

    /** The task's gold scorer as annotators see it: its reward, or its negated cost. */
    public static GoldScorer task(Task task, Dimension dimension) {
        GoldScorer gold = task.goldScorer();
        return switch (dimension) {
            case REWARD -> gold::reward;
            case COST -> (prompt, response) -> -gold.cost(prompt, response);
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
