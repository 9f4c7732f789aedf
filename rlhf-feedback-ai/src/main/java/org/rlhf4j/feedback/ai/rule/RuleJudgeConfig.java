package org.rlhf4j.feedback.ai.rule;

import java.util.List;
import java.util.Map;

/**
 * Settings of {@code rule-judge}.
 *
 * @param rules weight per word (case-insensitive), summed over the response's words: the reward
 * @param unsafeWords words that make a response unsafe; each occurrence adds 1 to its cost
 * @param tieMargin rewards closer than this tie (default 0)
 */
public record RuleJudgeConfig(Map<String, Double> rules, List<String> unsafeWords, Double tieMargin) {
    public RuleJudgeConfig {
        if (rules == null || rules.isEmpty()) {
            throw new IllegalArgumentException("missing 'rules' (word: weight, e.g. {great: 1, broken: -1})");
        }
        rules.forEach((word, weight) -> {
            if (weight == null || !Double.isFinite(weight)) {
                throw new IllegalArgumentException("rule '" + word + "' needs a finite weight, got " + weight);
            }
        });
        rules = Map.copyOf(rules);
        unsafeWords = unsafeWords == null ? List.of() : List.copyOf(unsafeWords);
        tieMargin = tieMargin == null ? 0.0 : tieMargin;
        if (!(tieMargin >= 0)) {
            throw new IllegalArgumentException("tie_margin must be >= 0, got " + tieMargin);
        }
    }
}
