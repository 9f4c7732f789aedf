package org.rlhf4j.experiment;

import java.util.List;

/**
 * What a labelling experiment did, as written to {@code summary.json}.
 *
 * @param name the experiment name
 * @param arms per-arm totals, in config order
 */
public record LabellingSummary(String name, List<ArmSummary> arms) {
    public LabellingSummary {
        arms = List.copyOf(arms);
    }

    /** Judgments over all arms. */
    public long totalJudgments() {
        return arms.stream().mapToLong(ArmSummary::judgments).sum();
    }

    /**
     * One arm's totals.
     *
     * @param name the arm
     * @param feedback its feedback type
     * @param algorithm its algorithm type ({@code none}: feedback only)
     * @param batches batches judged
     * @param judgments judgments written
     * @param aWins judgments preferring response A
     * @param bWins judgments preferring response B
     * @param ties ties
     * @param wallSeconds seconds spent in the feedback source, summed over batches (resumed runs included)
     */
    public record ArmSummary(String name, String feedback, String algorithm, long batches, long judgments,
            long aWins, long bWins, long ties, double wallSeconds) {
        /** The fraction of judgments preferring A. */
        public double fractionAWins() {
            return judgments == 0 ? 0 : (double) aWins / judgments;
        }
    }
}
