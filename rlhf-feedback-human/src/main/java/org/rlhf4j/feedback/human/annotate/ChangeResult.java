package org.rlhf4j.feedback.human.annotate;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * What the store did with a requested change of a label.
 *
 * @param outcome what happened
 * @param change the change appended, or for {@link Outcome#REPEATED} the one appended by the first request with
 *     that id; empty when nothing was appended for this request
 * @param current the annotator's label of the pair afterwards, if any
 */
public record ChangeResult(Outcome outcome, Optional<LabelChange> change, Optional<Label> current) {
    public ChangeResult {
        requireNonNull(outcome, "outcome is null");
        requireNonNull(change, "change is null");
        requireNonNull(current, "current is null");
    }

    /** What happened. */
    public enum Outcome {
        /** A first label of the pair was appended. */
        STORED,
        /** A different label replaced the annotator's earlier one (appended; the earlier stays in the history). */
        CHANGED,
        /** The label was withdrawn (appended). */
        WITHDRAWN,
        /** The annotator's latest change was undone (appended). */
        UNDONE,
        /** Nothing to do: the same label again, nothing to withdraw, or nothing left to undo. Nothing appended. */
        UNCHANGED,
        /** A retry: this request id's change was already appended; nothing appended again. */
        REPEATED,
        /** The request id was already used for a different change: refused, nothing appended. */
        REQUEST_ID_REUSED;

        /** Whether this request appended a change to the history. */
        public boolean appended() {
            return this == STORED || this == CHANGED || this == WITHDRAWN || this == UNDONE;
        }
    }
}
