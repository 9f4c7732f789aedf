package org.rlhf4j.engine.optim;

/**
 * Learning rate: linear warm-up from 0 to {@code peakLr} over {@code warmupSteps}, then cosine decay to
 * {@code peakLr * minLrRatio} at {@code totalSteps} (and constant after).
 *
 * @param peakLr learning rate at the end of warm-up
 * @param warmupSteps number of warm-up steps (0 for none)
 * @param totalSteps step at which the decay ends
 * @param minLrRatio final learning rate as a fraction of the peak
 */
public record LrSchedule(double peakLr, int warmupSteps, int totalSteps, double minLrRatio) {

    public LrSchedule {
        if (!(peakLr >= 0) || warmupSteps < 0 || totalSteps < warmupSteps || minLrRatio < 0 || minLrRatio > 1) {
            throw new IllegalArgumentException("bad schedule: peak " + peakLr + ", warmup " + warmupSteps
                    + ", total " + totalSteps + ", minRatio " + minLrRatio);
        }
    }

    /** A constant learning rate. */
    public static LrSchedule constant(double lr) {
        return new LrSchedule(lr, 0, 0, 1.0);
    }

    /** Learning rate used for update number {@code step} (0-based). */
    public double lr(long step) {
        if (step < warmupSteps) {
            return peakLr * (step + 1) / warmupSteps;
        }
        if (step >= totalSteps || totalSteps == warmupSteps) {
            return peakLr * minLrRatio;
        }
        double progress = (double) (step - warmupSteps) / (totalSteps - warmupSteps);
        double cosine = 0.5 * (1 + Math.cos(Math.PI * progress));
        return peakLr * (minLrRatio + (1 - minLrRatio) * cosine);
    }
}
