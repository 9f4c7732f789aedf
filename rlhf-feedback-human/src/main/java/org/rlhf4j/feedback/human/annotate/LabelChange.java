package org.rlhf4j.feedback.human.annotate;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One entry of a store's label history: a change of one annotator's label of one pair, appended and never
 * changed afterwards.
 *
 * @param seq its place in the store's history (increasing)
 * @param pairId the pair
 * @param annotator whose label changed
 * @param action what happened
 * @param label the annotator's label of the pair after the change; empty when it left none (a withdrawal, or an
 *     undo of a first label)
 * @param undoes for an undo, the change it undid
 * @param author who made the change (the token holder)
 * @param at when the store made it durable
 * @param requestId the client's id of the request that made it ({@code Idempotency-Key}), if it sent one
 */
public record LabelChange(
        long seq, String pairId, String annotator, Action action, Optional<Label> label, OptionalLong undoes,
        String author, Instant at, Optional<String> requestId) {
    public LabelChange {
        requireNonNull(pairId, "pairId is null");
        requireNonNull(annotator, "annotator is null");
        requireNonNull(action, "action is null");
        requireNonNull(label, "label is null");
        requireNonNull(undoes, "undoes is null");
        requireNonNull(author, "author is null");
        requireNonNull(at, "at is null");
        requireNonNull(requestId, "requestId is null");
        if ((action == Action.UNDO) != undoes.isPresent()) {
            throw new IllegalArgumentException("an undo, and only an undo, names the change it undoes");
        }
    }

    /** What a change did. */
    public enum Action {
        /** Labelled the pair, first or anew: {@link #label} holds the new label. */
        LABEL,
        /** Withdrew the label: none is left. */
        WITHDRAW,
        /** Undid an earlier change: the label is what it was before that change. */
        UNDO
    }
}
