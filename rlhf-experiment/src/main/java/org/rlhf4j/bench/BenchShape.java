package org.rlhf4j.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The model and batch shape every hot path of {@code rlhf bench} uses (and {@code bench/torch_reference.py}
 * mirrors): the architecture of docs/model.md with the given sizes, MLP hidden width {@code 4 * dModel}.
 *
 * @param vocab     vocabulary size V
 * @param dModel    model width D
 * @param nHeads    attention heads H (D must be divisible by H)
 * @param nLayers   transformer blocks L
 * @param seqLen    context / training sequence length T
 * @param batch     sequences per batch
 * @param promptLen prompt tokens before sampling starts; sampling adds {@link #newTokens()} tokens
 */
public record BenchShape(int vocab, int dModel, int nHeads, int nLayers, int seqLen, int batch, int promptLen) {

    /** The default bench size: V=1024, D=128, H=4, L=2, T=48, batch 32, prompt 8 (so 40 new tokens). */
    public static final BenchShape DEFAULT = new BenchShape(1024, 128, 4, 2, 48, 32, 8);

    /**
     * The second bench size, so that a speed-up is not tuned to one size: D=256, L=4, batch 64, the rest as
     * {@link #DEFAULT} (V=1024, H=4, T=48, prompt 8); 3,696,128 parameters.
     */
    public static final BenchShape LARGE = new BenchShape(1024, 256, 4, 4, 48, 64, 8);

    /** The named shapes of {@code rlhf bench --shapes} and {@code torch_reference.py --shapes}, in report order. */
    public static final Map<String, BenchShape> NAMED = namedShapes();

    private static Map<String, BenchShape> namedShapes() {
        Map<String, BenchShape> m = new LinkedHashMap<>();
        m.put("default", DEFAULT);
        m.put("large", LARGE);
        return java.util.Collections.unmodifiableMap(m);
    }

    /** The shape called {@code name} in {@link #NAMED}. */
    public static BenchShape named(String name) {
        BenchShape s = NAMED.get(name);
        if (s == null) {
            throw new IllegalArgumentException("unknown shape " + name + "; known: " + String.join(", ", NAMED.keySet()));
        }
        return s;
    }

    /** AdamW learning rate of the training hot path (both implementations). */
    public static final double LEARNING_RATE = 3e-4;

    /** Global gradient-norm clip of the training hot path (both implementations). */
    public static final double GRAD_CLIP = 1.0;

    public BenchShape {
        if (vocab < 1 || dModel < 1 || nHeads < 1 || nLayers < 1 || seqLen < 2 || batch < 1) {
            throw new IllegalArgumentException("all sizes must be positive (seqLen >= 2): " + this);
        }
        if (dModel % nHeads != 0) {
            throw new IllegalArgumentException("dModel " + dModel + " is not divisible by nHeads " + nHeads);
        }
        if (promptLen < 1 || promptLen >= seqLen) {
            throw new IllegalArgumentException("promptLen must be in [1, seqLen): " + promptLen);
        }
    }

    /** Tokens sampled per sequence by the generation hot paths: {@code seqLen - promptLen}. */
    public int newTokens() {
        return seqLen - promptLen;
    }

    /** Number of parameters of the docs/model.md language model of this shape (lm_head untied, no head). */
    public long params() {
        long d = dModel;
        long perLayer = 2 * d            // ln1
                + d * 3 * d + 3 * d      // wqkv, bqkv
                + d * d + d              // wo, bo
                + 2 * d                  // ln2
                + d * 4 * d + 4 * d      // w1, b1
                + 4 * d * d + d;         // w2, b2
        return (long) vocab * d + (long) seqLen * d + nLayers * perLayer + 2 * d + d * vocab;
    }

    /** The {@code model} object of the bench JSON: vocab, d_model, n_heads, n_layers, seq_len, batch, params. */
    public Map<String, Object> toJsonMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("vocab", vocab);
        m.put("d_model", dModel);
        m.put("n_heads", nHeads);
        m.put("n_layers", nLayers);
        m.put("seq_len", seqLen);
        m.put("batch", batch);
        m.put("params", params());
        return m;
    }
}
