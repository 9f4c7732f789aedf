package org.rlhf4j.algorithms.preference;

import static java.util.Objects.requireNonNull;

import java.util.Optional;
import org.rlhf4j.api.feedback.Choice;
import org.rlhf4j.api.feedback.Preference;
import org.rlhf4j.api.feedback.SafetyLabel;

/**
 * One labelled comparison of two responses to a prompt.
 *
 * @param prompt the prompt
 * @param responseA the first response
 * @param responseB the second response
 * @param better the helpfulness label
 * @param confidence the judge's confidence in it
 * @param safety the harmlessness label, when the source gives one
 */
public record LabelledPair(String prompt, String responseA, String responseB, Choice better, double confidence,
        Optional<SafetyLabel> safety) {
    public LabelledPair {
        requireNonNull(prompt, "prompt is null");
        requireNonNull(responseA, "responseA is null");
        requireNonNull(responseB, "responseB is null");
        requireNonNull(better, "better is null");
        requireNonNull(safety, "safety is null");
    }

    /** The pair a feedback source's judgment labels. */
    public static LabelledPair of(Preference preference) {
        return new LabelledPair(preference.comparison().prompt(), preference.comparison().responseA(),
                preference.comparison().responseB(), preference.better(), preference.confidence(), preference.safety());
    }

    /** The preferred response (A for a tie). */
    public String chosen() {
        return better == Choice.B ? responseB : responseA;
    }

    /** The other response (B for a tie). */
    public String rejected() {
        return better == Choice.B ? responseA : responseB;
    }

    /** True when neither response is preferred. */
    public boolean tie() {
        return better == Choice.TIE;
    }
}
