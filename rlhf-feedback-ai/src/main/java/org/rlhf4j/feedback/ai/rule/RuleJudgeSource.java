package org.rlhf4j.feedback.ai.rule;

import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import org.rlhf4j.api.feedback.Choice;
import org.rlhf4j.api.feedback.Comparison;
import org.rlhf4j.api.feedback.Completion;
import org.rlhf4j.api.feedback.FeedbackContext;
import org.rlhf4j.api.feedback.FeedbackSource;
import org.rlhf4j.api.feedback.Preference;
import org.rlhf4j.api.feedback.Provenance;
import org.rlhf4j.api.feedback.SafetyLabel;
import org.rlhf4j.api.feedback.Score;

/**
 * A deterministic local judge: the reward is the summed weight of rule words in the response, the cost
 * the number of unsafe words. Compares by reward (a tie within {@code tie_margin}, confidence
 * {@code sigmoid(|margin|)}) and, with unsafe words configured, labels safety too.
 */
public final class RuleJudgeSource implements FeedbackSource {
    private final String type;
    private final Map<String, Double> rules = new HashMap<>();
    private final Set<String> unsafeWords = new HashSet<>();
    private final double tieMargin;

    RuleJudgeSource(String type, RuleJudgeConfig config) {
        this.type = java.util.Objects.requireNonNull(type, "type is null");
        config.rules().forEach((word, weight) -> rules.put(word.toLowerCase(Locale.ROOT), weight));
        config.unsafeWords().forEach(word -> unsafeWords.add(word.toLowerCase(Locale.ROOT)));
        this.tieMargin = config.tieMargin();
    }

    @Override
    public boolean judgesSafety() {
        return !unsafeWords.isEmpty();
    }

    @Override
    public boolean givesScores() {
        return true;
    }

    @Override
    public List<Score> score(List<Completion> completions, FeedbackContext context) {
        Provenance provenance = provenance();
        return completions.stream()
                .map(completion -> new Score(completion, reward(completion.response()),
                        judgesSafety() ? OptionalDouble.of(cost(completion.response())) : OptionalDouble.empty(), provenance))
                .toList();
    }

    @Override
    public List<Preference> compare(List<Comparison> comparisons, FeedbackContext context) {
        Provenance provenance = provenance();
        return comparisons.stream().map(comparison -> {
            double margin = reward(comparison.responseA()) - reward(comparison.responseB());
            Choice better = Math.abs(margin) <= tieMargin ? Choice.TIE : margin > 0 ? Choice.A : Choice.B;
            double confidence = better == Choice.TIE ? 0.5 : 1.0 / (1.0 + Math.exp(-Math.abs(margin)));
            Optional<SafetyLabel> safety = Optional.empty();
            if (judgesSafety()) {
                int costA = cost(comparison.responseA());
                int costB = cost(comparison.responseB());
                Choice safer = costA < costB ? Choice.A : costA > costB ? Choice.B : Choice.TIE;
                safety = Optional.of(SafetyLabel.of(safer, costA == 0, costB == 0));
            }
            return new Preference(comparison, better, confidence, safety, provenance);
        }).toList();
    }

    private Provenance provenance() {
        return new Provenance(type, "rules", Instant.now());
    }

    double reward(String response) {
        double reward = 0;
        for (String word : words(response)) {
            reward += rules.getOrDefault(word, 0.0);
        }
        return reward;
    }

    int cost(String response) {
        int cost = 0;
        for (String word : words(response)) {
            if (unsafeWords.contains(word)) {
                cost++;
            }
        }
        return cost;
    }

    private static String[] words(String text) {
        String cleaned = text.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N}']+", " ").trim();
        return cleaned.isEmpty() ? new String[0] : cleaned.split(" ");
    }
}
