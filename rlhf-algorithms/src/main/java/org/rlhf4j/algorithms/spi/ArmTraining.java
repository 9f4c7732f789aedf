package org.rlhf4j.algorithms.spi;

/**
 * What an algorithm's training did.
 *
 * @param steps the step reached (a PPO iteration, a GRPO or DPO optimizer step)
 * @param skippedSteps steps skipped for a non-finite loss or gradient, in this process
 * @param seconds wall-clock seconds spent in this process
 * @param policyUpdates optimizer updates of the policy the run's steps stand for, its budget (PPO: iterations x epochs x
 *     minibatches, of which an early stop on KL skips some; DPO: one per step; GRPO: {@code num_iterations} per step),
 *     skipped steps included
 * @param rollouts responses the policy generated while it trained (0 for offline algorithms such as DPO)
 * @param labels labels the arm's feedback source gave while the algorithm trained (online DPO with the source in its
 *     loop; 0 for the others, whose labels are the arm's preferences, counted before training)
 */
public record ArmTraining(long steps, int skippedSteps, double seconds, long policyUpdates, long rollouts, long labels) {
    /** An offline algorithm's training: one policy update per step, no rollouts. */
    public ArmTraining(long steps, int skippedSteps, double seconds) {
        this(steps, skippedSteps, seconds, steps, 0);
    }

    /** An algorithm's training that took no labels while it trained. */
    public ArmTraining(long steps, int skippedSteps, double seconds, long policyUpdates, long rollouts) {
        this(steps, skippedSteps, seconds, policyUpdates, rollouts, 0);
    }

    /** This training followed by {@code next} (an arm's rounds): every count and the seconds summed. */
    public ArmTraining plus(ArmTraining next) {
        return new ArmTraining(steps + next.steps, skippedSteps + next.skippedSteps, seconds + next.seconds,
                policyUpdates + next.policyUpdates, rollouts + next.rollouts, labels + next.labels);
    }
}
