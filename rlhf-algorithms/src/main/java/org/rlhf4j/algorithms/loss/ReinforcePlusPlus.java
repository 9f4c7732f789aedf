package org.rlhf4j.algorithms.loss;

/**
 * REINFORCE++'s advantages (Hu 2025, <i>REINFORCE++: A Simple and Efficient Approach for Aligning Large Language
 * Models</i>; OpenRLHF's {@code advantage_estimator: reinforce}, verl's {@code reinforce_plus_plus}), with no critic and
 * no group: each response token's reward is {@code -kl_coef (old - ref)} (the k1 estimate of its KL to the reference,
 * under the policy that sampled it), plus the response's score at its last token; a token's return is the sum of the
 * rewards from it to the end ({@code gamma = 1}); the advantages are the returns whitened over every response token of
 * the batch, {@code (G - mean) / (std + 1e-8)}: the batch's mean return is the baseline.
 */
public final class ReinforcePlusPlus {
    private ReinforcePlusPlus() {}

    /**
     * @param scores each response's score
     * @param old each response's token log-probs under the policy that sampled it
     * @param ref each response's token log-probs under the reference
     * @param klCoef the weight of the per-token KL penalty in the reward, >= 0
     * @return per-token advantages, {@code [sequence][token]}
     */
    public static double[][] advantages(double[] scores, double[][] old, double[][] ref, double klCoef) {
        if (scores.length != old.length || ref.length != old.length) {
            throw new IllegalArgumentException("inputs of different lengths");
        }
        if (!(klCoef >= 0) || Double.isInfinite(klCoef)) {
            throw new IllegalArgumentException("kl_coef must be finite and >= 0, got " + klCoef);
        }
        double[][] returns = new double[old.length][];
        double sum = 0;
        long tokens = 0;
        for (int i = 0; i < old.length; i++) {
            int length = old[i].length;
            returns[i] = new double[length];
            double running = 0;
            for (int t = length - 1; t >= 0; t--) {
                running += -klCoef * (old[i][t] - ref[i][t]) + (t == length - 1 ? scores[i] : 0);
                returns[i][t] = running;
                sum += running;
            }
            tokens += length;
        }
        if (tokens == 0) {
            return returns;
        }
        double mean = sum / tokens;
        double variance = 0;
        for (double[] row : returns) {
            for (double g : row) {
                variance += (g - mean) * (g - mean);
            }
        }
        double std = tokens > 1 ? Math.sqrt(variance / (tokens - 1)) : 0;
        for (double[] row : returns) {
            for (int t = 0; t < row.length; t++) {
                row[t] = (row[t] - mean) / (std + 1e-8);
            }
        }
        return returns;
    }
}
