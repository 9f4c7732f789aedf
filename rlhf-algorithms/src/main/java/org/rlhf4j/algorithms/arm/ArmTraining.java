package org.rlhf4j.algorithms.arm;

/**
 * What an algorithm's training did.
 *
 * @param steps policy updates done (the step reached)
 * @param skippedSteps steps skipped for a non-finite loss or gradient, in this process
 * @param seconds wall-clock seconds spent in this process
 */
public record ArmTraining(long steps, int skippedSteps, double seconds) {}
