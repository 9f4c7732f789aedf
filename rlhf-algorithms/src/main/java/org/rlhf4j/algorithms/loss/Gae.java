package org.rlhf4j.algorithms.loss;

/**
 * Generalised advantage estimation (Schulman et al. 2016) over the response tokens of each episode, as TRL's and
 * OpenRLHF's PPO compute it: {@code delta_t = r_t + gamma V_{t+1} - V_t} (with {@code V} zero past the last token),
 * {@code A_t = delta_t + gamma lambda A_{t+1}}, and the critic's targets {@code R_t = A_t + V_t}.
 */
public final class Gae {
    private Gae() {}

    /**
     * Advantages and returns per episode and token.
     *
     * @param advantages {@code A[i][t]}
     * @param returns {@code R[i][t] = A[i][t] + V[i][t]}
     */
    public record Result(double[][] advantages, double[][] returns) {}

    /** GAE of episodes with per-token rewards {@code rewards[i]} and values {@code values[i]} (same lengths). */
    public static Result compute(double[][] rewards, double[][] values, double gamma, double lambda) {
        if (rewards.length != values.length) {
            throw new IllegalArgumentException(rewards.length + " reward rows for " + values.length + " value rows");
        }
        double[][] advantages = new double[rewards.length][];
        double[][] returns = new double[rewards.length][];
        for (int i = 0; i < rewards.length; i++) {
            int n = rewards[i].length;
            if (values[i].length != n) {
                throw new IllegalArgumentException("episode " + i + ": " + n + " rewards for " + values[i].length + " values");
            }
            advantages[i] = new double[n];
            returns[i] = new double[n];
            double next = 0;
            double nextValue = 0;
            for (int t = n - 1; t >= 0; t--) {
                double delta = rewards[i][t] + gamma * nextValue - values[i][t];
                next = delta + gamma * lambda * next;
                advantages[i][t] = next;
                returns[i][t] = next + values[i][t];
                nextValue = values[i][t];
            }
        }
        return new Result(advantages, returns);
    }

    /**
     * Whitens values in place over every token of every episode: {@code (x - mean) / sqrt(var + 1e-8)} with the
     * unbiased variance, as TRL's {@code masked_whiten}.
     */
    public static void whiten(double[][] values) {
        double sum = 0;
        long count = 0;
        for (double[] row : values) {
            for (double v : row) {
                sum += v;
                count++;
            }
        }
        if (count < 2) {
            return;
        }
        double mean = sum / count;
        double squares = 0;
        for (double[] row : values) {
            for (double v : row) {
                squares += (v - mean) * (v - mean);
            }
        }
        double scale = 1.0 / Math.sqrt(squares / (count - 1) + 1e-8);
        for (double[] row : values) {
            for (int t = 0; t < row.length; t++) {
                row[t] = (row[t] - mean) * scale;
            }
        }
    }
}
