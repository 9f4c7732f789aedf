package org.rlhf4j.algorithms.generation;

import static java.util.Objects.requireNonNull;

import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.rlhf4j.algorithms.model.KvCache;
import org.rlhf4j.algorithms.model.Nd4jForward;
import org.rlhf4j.algorithms.model.TransformerWeights;
import org.rlhf4j.algorithms.util.Rng;

/**
 * Batched autoregressive sampling on the ND4J path.
 *
 * <p><b>Prompts of different lengths are LEFT-PADDED</b> to the longest prompt of the batch, so every row
 * generates its next token in the same column. Padding is invisible to the model: each row's position
 * ids start at 0 at its first real token ({@code position = column - padLeft}) and the attention mask
 * hides padding columns from every query. So a prompt gives the same logits alone or in a padded batch
 * (up to float rounding). Each row must satisfy {@code promptLength + maxNewTokens <= maxSeqLen}.
 *
 * <p>With {@link SamplingConfig#useKvCache()} the prompts are prefilled once and each new token then
 * costs one single-column pass per layer that appends to the key/value cache; without it, the whole
 * prefix is recomputed for every token (same results, for testing and comparison).
 */
public final class Generator {
    private final Nd4jForward forward;
    private final int vocab;
    private final int maxSeqLen;

    public Generator(TransformerWeights weights) {
        requireNonNull(weights, "weights is null");
        if (!weights.heads().hasLm()) {
            throw new IllegalArgumentException("generation needs an LM head");
        }
        this.forward = new Nd4jForward(weights);
        this.vocab = weights.config().vocabSize();
        this.maxSeqLen = weights.config().maxSeqLen();
    }

    /** Samples continuations of {@code prompts} (each non-empty), drawing randomness from {@code rng}. */
    public GenerationResult generate(List<int[]> prompts, SamplingConfig cfg, Rng rng) {
        requireNonNull(prompts, "prompts is null");
        requireNonNull(cfg, "cfg is null");
        requireNonNull(rng, "rng is null");
        int b = prompts.size();
        if (b == 0) {
            throw new IllegalArgumentException("no prompts");
        }
        int maxPrompt = 0;
        for (int[] p : prompts) {
            if (p.length == 0) {
                throw new IllegalArgumentException("empty prompt");
            }
            if (p.length + cfg.maxNewTokens() > maxSeqLen) {
                throw new IllegalArgumentException("prompt length " + p.length + " + maxNewTokens " + cfg.maxNewTokens()
                        + " exceeds maxSeqLen " + maxSeqLen);
            }
            maxPrompt = Math.max(maxPrompt, p.length);
        }
        int maxNew = cfg.maxNewTokens();
        int[] padLeft = new int[b];
        int[][] seq = new int[b][maxPrompt + maxNew];
        for (int i = 0; i < b; i++) {
            int[] p = prompts.get(i);
            padLeft[i] = maxPrompt - p.length;
            System.arraycopy(p, 0, seq[i], padLeft[i], p.length);
        }
        int[][] tokens = new int[b][maxNew];
        float[][] logProbs = new float[b][maxNew];
        int[] lengths = new int[b];
        boolean[] done = new boolean[b];
        TokenSampler sampler = new TokenSampler(cfg);
        KvCache cache = cfg.useKvCache() ? forward.newCache(b, maxPrompt + maxNew, padLeft) : null;
        double[] lp = new double[1];
        float[] row = new float[vocab];
        int active = b;
        for (int step = 0; step < maxNew && active > 0; step++) {
            int cols = maxPrompt + step;
            INDArray logits;
            if (cache != null) {
                int[][] in = new int[b][];
                for (int i = 0; i < b; i++) {
                    in[i] = step == 0 ? java.util.Arrays.copyOf(seq[i], maxPrompt) : new int[] {seq[i][cols - 1]};
                }
                logits = forward.step(in, cache);
            } else {
                int[][] in = new int[b][];
                for (int i = 0; i < b; i++) {
                    in[i] = java.util.Arrays.copyOf(seq[i], cols);
                }
                logits = forward.lastLogits(in, padLeft);
            }
            float[] flat = logits.dataType() == DataType.FLOAT ? logits.dup('c').data().asFloat() : toFloat(logits.dup('c').data().asDouble());
            for (int i = 0; i < b; i++) {
                if (done[i]) {
                    continue; // finished rows keep feeding token 0, which no live row ever attends to
                }
                System.arraycopy(flat, i * vocab, row, 0, vocab);
                int tok = sampler.sample(row, rng, lp);
                tokens[i][step] = tok;
                logProbs[i][step] = (float) lp[0];
                lengths[i] = step + 1;
                seq[i][cols] = tok;
                if (tok == cfg.stopToken()) {
                    done[i] = true;
                    active--;
                }
            }
        }
        return new GenerationResult(tokens, logProbs, lengths);
    }

    private static float[] toFloat(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }
}
