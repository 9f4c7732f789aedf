package org.rlhf4j.algorithms.generation;

import static java.util.Objects.requireNonNull;

import org.rlhf4j.algorithms.util.Rng;

/**
 * Picks one token from a row of logits with temperature, top-k and top-p, and reports its log-prob under
 * the unmodified distribution. Deterministic given the {@link Rng}: one uniform draw per sampled token
 * (none when greedy); ties are broken by the lower token id.
 */
final class TokenSampler {
    private final SamplingConfig cfg;

    TokenSampler(SamplingConfig cfg) {
        this.cfg = requireNonNull(cfg, "cfg is null");
    }

    /** Returns the chosen token id; writes its log-prob (before temperature etc.) to {@code logProbOut[0]}. */
    int sample(float[] logits, Rng rng, double[] logProbOut) {
        int v = logits.length;
        double max = Double.NEGATIVE_INFINITY;
        int argmax = 0;
        for (int i = 0; i < v; i++) {
            if (logits[i] > max) {
                max = logits[i];
                argmax = i;
            }
        }
        double sum = 0;
        for (int i = 0; i < v; i++) {
            sum += Math.exp(logits[i] - max);
        }
        double logZ = max + Math.log(sum);
        int chosen;
        if (cfg.temperature() == 0) {
            chosen = argmax;
        } else {
            chosen = sampleFiltered(logits, max, rng);
        }
        logProbOut[0] = logits[chosen] - logZ;
        return chosen;
    }

    private int sampleFiltered(float[] logits, double max, Rng rng) {
        int v = logits.length;
        double t = cfg.temperature();
        Integer[] order = null;
        int keep = v;
        boolean filter = (cfg.topK() > 0 && cfg.topK() < v) || cfg.topP() < 1.0;
        double[] p = new double[v];
        for (int i = 0; i < v; i++) {
            p[i] = Math.exp((logits[i] - max) / t);
        }
        int[] idx;
        if (filter) {
            order = new Integer[v];
            for (int i = 0; i < v; i++) {
                order[i] = i;
            }
            java.util.Arrays.sort(order, (a, b) -> logits[a] != logits[b] ? Float.compare(logits[b], logits[a]) : Integer.compare(a, b));
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
            idx = new int[keep];
            for (int i = 0; i < keep; i++) {
                idx[i] = order[i];
            }
        } else {
            idx = new int[v];
            for (int i = 0; i < v; i++) {
                idx[i] = i;
            }
        }
        double total = 0;
        for (int i : idx) {
            total += p[i];
        }
        double u = rng.nextDouble() * total;
        double cum = 0;
        for (int i : idx) {
            cum += p[i];
            if (u < cum) {
                return i;
            }
        }
        return idx[idx.length - 1];
    }
}
