package org.rlhf4j.feedback.human.annotate;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import org.rlhf4j.api.feedback.Choice;

/**
 * One annotator's judgment of one pair: Safe RLHF's two-stage label (helpfulness, then harmlessness with
 * a per-response safety verdict) and an optional explanation.
 *
 * @param pairId the pair
 * @param annotator who gave it
 * @param better the more helpful response, or a tie
 * @param moreHarmless the more harmless response, or a tie
 * @param responseASafe whether response A is safe
 * @param responseBSafe whether response B is safe
 * @param explanation free text, possibly empty
 * @param labelledAt when the store made it durable
 */
public record Label(
        String pairId, String annotator, Choice better, Choice moreHarmless, boolean responseASafe,
        boolean responseBSafe, String explanation, Instant labelledAt) {
    public Label {
        requireNonNull(pairId, "pairId is null");
        requireNonNull(annotator, "annotator is null");
        requireNonNull(better, "better is null");
        requireNonNull(moreHarmless, "moreHarmless is null");
        requireNonNull(explanation, "explanation is null");
        requireNonNull(labelledAt, "labelledAt is null");
    }

    /** Whether {@code other} says the same about the same pair (the time aside): a resubmission. */
    public boolean sameJudgment(Label other) {
        return pairId.equals(other.pairId) && annotator.equals(other.annotator) && better == other.better
                && moreHarmless == other.moreHarmless && responseASafe == other.responseASafe
                && responseBSafe == other.responseBSafe && explanation.equals(other.explanation);
    }
}
