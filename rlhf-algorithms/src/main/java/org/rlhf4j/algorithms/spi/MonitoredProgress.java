package org.rlhf4j.algorithms.spi;

import static java.util.Objects.requireNonNull;

import org.rlhf4j.engine.train.ProgressListener;

/** The step listener of an online algorithm: the gold monitor every {@code monitorEvery} steps and at the last, then progress. */
public final class MonitoredProgress {
    private MonitoredProgress() {}

    /**
     * Measures the policy with the arm's gold monitor after every {@code monitorEvery}-th step and after the last (none
     * when {@code monitorEvery} is 0), then tells the arm's progress listener; the monitor writes its line before the
     * step's checkpoint, so a resumed run has every measurement once.
     */
    public static ProgressListener of(ArmContext context, int monitorEvery) {
        requireNonNull(context, "context is null");
        return (arm, phase, step, steps) -> {
            if (monitorEvery > 0 && (step % monitorEvery == 0 || step == steps)) {
                context.goldMonitor().measure(phase, step);
            }
            context.progress().stepDone(arm, phase, step, steps);
        };
    }
}
