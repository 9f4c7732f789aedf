package org.rlhf4j.engine.train;

/** Told after every optimizer step of a training phase (progress bars, logs, tests that pace a run). */
@FunctionalInterface
public interface ProgressListener {
    /** Does nothing. */
    ProgressListener NONE = (arm, phase, step, steps) -> {};

    /** Step {@code step} of {@code steps} of {@code phase} of {@code arm} is done. */
    void stepDone(String arm, String phase, long step, long steps);
}
