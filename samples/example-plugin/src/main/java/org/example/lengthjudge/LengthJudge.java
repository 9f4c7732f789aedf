package org.example.lengthjudge;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.List;
import org.rlhf4j.api.feedback.Choice;
import org.rlhf4j.api.feedback.Comparison;
import org.rlhf4j.api.feedback.FeedbackContext;
import org.rlhf4j.api.feedback.FeedbackSource;
import org.rlhf4j.api.feedback.Preference;
import org.rlhf4j.api.feedback.Provenance;

/** Prefers the shorter (or longer) response, counted in characters; equal lengths tie. */
public final class LengthJudge implements FeedbackSource {
    private final String type;
    private final LengthJudgeConfig.Prefer prefer;

    public LengthJudge(String type, LengthJudgeConfig.Prefer prefer) {
        this.type = requireNonNull(type, "type is null");
        this.prefer = requireNonNull(prefer, "prefer is null");
    }

    @Override
    public List<Preference> compare(List<Comparison> comparisons, FeedbackContext context) {
        Provenance provenance = new Provenance(type, "length-judge/" + prefer.name().toLowerCase(java.util.Locale.ROOT), Instant.now());
        return comparisons.stream().map(comparison -> judge(comparison, provenance)).toList();
    }

    private Preference judge(Comparison comparison, Provenance provenance) {
        int difference = comparison.responseA().length() - comparison.responseB().length();
        if (prefer == LengthJudgeConfig.Prefer.LONGER) {
            difference = -difference;
        }
        Choice better = difference < 0 ? Choice.A : difference > 0 ? Choice.B : Choice.TIE;
        return Preference.of(comparison, better, 1.0, provenance);
    }
}
