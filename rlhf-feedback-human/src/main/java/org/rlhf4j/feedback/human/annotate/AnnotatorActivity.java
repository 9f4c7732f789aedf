package org.rlhf4j.feedback.human.annotate;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * An annotator's activity in the label history.
 *
 * @param changes how many changes of theirs the history holds
 * @param lastChange when the latest was made
 */
public record AnnotatorActivity(long changes, Instant lastChange) {
    public AnnotatorActivity {
        requireNonNull(lastChange, "lastChange is null");
    }
}
