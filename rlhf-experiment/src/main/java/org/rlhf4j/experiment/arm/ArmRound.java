package org.rlhf4j.experiment.arm;

import static java.util.Objects.requireNonNull;

import org.rlhf4j.engine.random.Seeds;
import org.rlhf4j.engine.train.TrainingLoop;
import org.rlhf4j.experiment.run.RunDirectory;

/**
 * One round of an arm ({@code rounds} in its config): its number, the arm's round count, its seed and where its lines
 * and checkpoints go. Round 1 has the arm's own seed and checkpoint phases, so an arm of one round is what it was before
 * rounds existed (and its lines carry no {@code round}); round {@code r > 1} has {@code Seeds.derive(armSeed, "round", r)}
 * and {@code round-r/<phase>} checkpoints.
 *
 * @param number the round, from 1
 * @param of the arm's rounds
 * @param seed the round's seed, from which its preferences, split, models and algorithm derive theirs
 * @param run the run directory
 */
record ArmRound(int number, int of, long seed, RunDirectory run) {
    ArmRound {
        requireNonNull(run, "run is null");
        if (number < 1 || number > of) {
            throw new IllegalArgumentException("round " + number + " of " + of);
        }
    }

    /** Round {@code number} of an arm of {@code rounds} with seed {@code armSeed}. */
    static ArmRound of(int number, int rounds, long armSeed, RunDirectory run) {
        return new ArmRound(number, rounds, number == 1 ? armSeed : Seeds.derive(armSeed, "round", Integer.toString(number)), run);
    }

    /** The round {@link PreferenceCollection} is told ({@link PreferenceCollection#inRound}), 0 for an arm of one round. */
    int collectionRound() {
        return of > 1 ? number : 0;
    }

    /** Where the round's model and evaluation lines go (tagged with the round when the arm has more than one). */
    TrainingLoop.MetricsSink sink() {
        return of > 1 ? new RoundSink(run, number, 0) : run;
    }

    /** Where the round's algorithm lines go: their steps after the {@code stepsBefore} policy updates of earlier rounds. */
    TrainingLoop.MetricsSink algorithmSink(long stepsBefore) {
        return of > 1 ? new RoundSink(run, number, stepsBefore) : run;
    }

    /** The checkpoint phase of {@code phase} in this round: {@code phase} in round 1, {@code round-N/phase} after. */
    String phase(String phase) {
        return number == 1 ? phase : "round-" + number + "/" + phase;
    }
}
