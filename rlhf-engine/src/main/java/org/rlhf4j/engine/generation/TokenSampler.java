package org.rlhf4j.engine.generation;

import static java.util.Objects.requireNonNull;

import org.rlhf4j.engine.random.Rng;

/**
 * Picks one token from a row of logits with temperature, top-k and top-p, and reports its log-prob under
 * the unmodified distribution. Deterministic given the {@link Rng}: one uniform draw per sampled token
 * (none when greedy); ties are broken by the lower token id.
 *
 * <p>One instance per thread: it keeps its scratch arrays (allocated once for the vocabulary size). At
 * temperature 1 without filters, one pass of {@code exp} serves both the log-normaliser and the draw.
 */
final class TokenSampler {
    private final SamplingConfig cfg;
    private final int vocab;
    private final double[] p;
    private Integer[] order;
    private int[] idx;

    TokenSampler(SamplingConfig cfg, int vocab) {
        this.cfg = requireNonNull(cfg, "cfg is null");
        this.vocab = vocab;
        this.p = new double[vocab];
    }

    /** As {@link #sample(float[], int, Rng, double[])} for a whole array of {@code vocab} logits. */
    int sample(float[] logits, Rng rng, double[] logProbOut) {
        return sample(logits, 0, rng, logProbOut);
    }

    /**
     * Samples from the logits {@code logits[offset .. offset + vocab)}; returns the chosen token id and writes its
     * log-prob (before temperature etc.) to {@code logProbOut[0]}.
     */
    int sample(float[] logits, int offset, Rng rng, double[] logProbOut) {
        int v = vocab;
        double max = Double.NEGATIVE_INFINITY;
        int argmax = 0;
        for (int i = 0; i < v; i++) {
            if (logits[offset + i] > max) {
                max = logits[offset + i];
                argmax = i;
            }
        }
        double t = cfg.temperature();
        boolean filter = (cfg.topK() > 0 && cfg.topK() < v) || cfg.topP() < 1.0;
        double sum = 0;
        if (t == 1.0) {
            for (int i = 0; i < v; i++) {
                double e = Math.exp(logits[offset + i] - max);
                p[i] = e;
                sum += e;
            }
        } else {
            for (int i = 0; i < v; i++) {
                sum += Math.exp(logits[offset + i] - max);
            }
            if (t != 0) {
                for (int i = 0; i < v; i++) {
                    p[i] = Math.exp((logits[offset + i] - max) / t);
                }
            }
        }
        double logZ = max + Math.log(sum);
        int chosen;
        if (t == 0) {
            chosen = argmax;
        } else if (!filter) {
            chosen = draw(t == 1.0 ? sum : total(), rng);
        } else {
            chosen = sampleFiltered(logits, offset, rng);
        }
        logProbOut[0] = logits[offset + chosen] - logZ;
        return chosen;
    }

    private double total() {
        double total = 0;
        for (int i = 0; i < vocab; i++) {
            total += p[i];
        }
        return total;
    }

    /** Inverse-CDF draw over all of {@code p} (summing to {@code total}). */
    private int draw(double total, Rng rng) {
        double u = rng.nextDouble() * total;
        double cum = 0;
        for (int i = 0; i < vocab; i++) {
            cum += p[i];
            if (u < cum) {
                return i;
            }
        }
        return vocab - 1;
    }

    private int sampleFiltered(float[] logits, int offset, Rng rng) {
        int v = vocab;
        if (order == null) {
            order = new Integer[v];
            idx = new int[v];
        }
        for (int i = 0; i < v; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (a, b) -> logits[offset + a] != logits[offset + b]
                ? Float.compare(logits[offset + b], logits[offset + a]) : Integer.compare(a, b));
        int keep = v;
        if (cfg.topK() > 0) {
            keep = Math.min(keep, cfg.topK());
        }
        if (cfg.topP() < 1.0) {
            double total = 0;
            for (int i = 0; i < keep; i++) {
                total += p[order[i]];
            }
            double cum = 0;
            int n = 0;
            while (n < keep) {
                cum += p[order[n]];
                n++;
                if (cum >= cfg.topP() * total) {
                    break;
                }
            }
            keep = n;
        }
        for (int i = 0; i < keep; i++) {
            idx[i] = order[i];
        }
        double total = 0;
        for (int i = 0; i < keep; i++) {
            total += p[idx[i]];
        }
        double u = rng.nextDouble() * total;
        double cum = 0;
        for (int i = 0; i < keep; i++) {
            cum += p[idx[i]];
            if (u < cum) {
                return idx[i];
            }
        }
        return idx[keep - 1];
    }
}
