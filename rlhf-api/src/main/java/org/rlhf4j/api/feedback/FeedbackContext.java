package org.rlhf4j.api.feedback;

/**
 * Where in an experiment a call to a {@link FeedbackSource} happens.
 *
 * @param arm the name of the experiment arm asking for feedback
 * @param round the training round (or labelling batch), counting from 0
 * @param seed a seed derived from the experiment seed, the arm and the round; sources that sample use it
 *     (or their own configured seed) so that the same config gives the same labels
 */
public record FeedbackContext(String arm, long round, long seed) {
    public FeedbackContext {
        Checks.notBlank(arm, "arm");
        if (round < 0) {
            throw new IllegalArgumentException("round must be >= 0, got " + round);
        }
    }
}
