package org.rlhf4j.experiment.arm;

import java.util.List;
import org.rlhf4j.algorithms.preference.LabelledPair;

/**
 * The preferences of one round of an arm.
 *
 * @param labelled the pairs its feedback source labelled in this round (none when the arm reuses another arm's)
 * @param train the round's training pairs
 * @param heldOut the round's held-out pairs
 */
record RoundPairs(List<LabelledPair> labelled, List<LabelledPair> train, List<LabelledPair> heldOut) {
    RoundPairs {
        labelled = List.copyOf(labelled);
        train = List.copyOf(train);
        heldOut = List.copyOf(heldOut);
    }

    /** The pairs of an earlier arm, reused ({@code preferences: {from: ARM}}): its training and held-out pairs. */
    static RoundPairs reusedFrom(ArmOutcome earlier) {
        return new RoundPairs(List.of(), earlier.trainPreferences(), earlier.heldOutPreferences());
    }
}
