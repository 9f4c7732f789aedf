package org.rlhf4j.algorithms.grpo;

/**
 * DAPO's dynamic sampling test (Yu et al. 2025): a group whose rewards are all equal has zero advantages under a group
 * baseline, so it teaches nothing and only dilutes the batch; it is dropped and refilled ({@link GroupSampler}).
 */
final class DynamicSampling {
    private DynamicSampling() {}

    /** Whether every reward of the group is the same (none above or below the first). */
    static boolean constant(double[] groupRewards) {
        for (double reward : groupRewards) {
            if (reward != groupRewards[0]) {
                return false;
            }
        }
        return true;
    }
}
