package org.rlhf4j.engine.model;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.rlhf4j.engine.random.Rng;

/**
 * The named parameter arrays of docs/model.md.
 *
 * <p>The arrays are owned by this object and shared, not copied, by every SameDiff graph and ND4J
 * forward pass built from it: an optimizer updating them in place updates every view of the model.
 * {@link #copy()} and {@link #frozenCopy()} give independent arrays.
 */
public final class TransformerWeights {
    private final TransformerConfig config;
    private final Heads heads;
    private final Map<String, INDArray> params;
    private final boolean frozen;

    private TransformerWeights(TransformerConfig config, Heads heads, Map<String, INDArray> params, boolean frozen) {
        this.config = requireNonNull(config, "config is null");
        this.heads = requireNonNull(heads, "heads is null");
        requireNonNull(params, "params is null");
        // SameDiff's sd.var(name, array) silently copies views, which would break weight sharing:
        // keep only plain (non-view) arrays.
        Map<String, INDArray> plain = new LinkedHashMap<>();
        params.forEach((k, a) -> plain.put(k, a.isView() ? a.dup('c') : a));
        this.params = Collections.unmodifiableMap(plain);
        this.frozen = frozen;
        Map<String, long[]> expected = shapes(config, heads);
        if (!expected.keySet().equals(this.params.keySet())) {
            throw new IllegalArgumentException("parameters " + this.params.keySet() + " do not match " + expected.keySet());
        }
        DataType dtype = null;
        for (Map.Entry<String, long[]> e : expected.entrySet()) {
            INDArray a = this.params.get(e.getKey());
            if (!java.util.Arrays.equals(a.shape(), e.getValue())) {
                throw new IllegalArgumentException(e.getKey() + " has shape " + java.util.Arrays.toString(a.shape())
                        + ", expected " + java.util.Arrays.toString(e.getValue()));
            }
            if (dtype != null && a.dataType() != dtype) {
                throw new IllegalArgumentException("mixed data types: " + e.getKey() + " is " + a.dataType());
            }
            dtype = a.dataType();
        }
    }

    /**
     * Random initialisation: normal(0, initStd) matrices and embeddings, attention/MLP output projections
     * scaled by 1/sqrt(2L), zero biases, unit layer-norm gains.
     */
    public static TransformerWeights init(TransformerConfig config, Heads heads, Rng rng, DataType dataType) {
        requireNonNull(rng, "rng is null");
        Map<String, INDArray> p = new LinkedHashMap<>();
        double residualStd = config.initStd() / Math.sqrt(2.0 * config.nLayers());
        for (Map.Entry<String, long[]> e : shapes(config, heads).entrySet()) {
            String name = e.getKey();
            long[] shape = e.getValue();
            INDArray a;
            if (name.endsWith(".g")) {
                a = Nd4j.ones(dataType, shape);
            } else if (shape.length == 1) {
                a = Nd4j.zeros(dataType, shape);
            } else {
                double std = name.endsWith("attn.wo") || name.endsWith("mlp.w2") ? residualStd : config.initStd();
                a = normal(rng, std, dataType, shape);
            }
            p.put(name, a);
        }
        return new TransformerWeights(config, heads, p, false);
    }

    /** Float32 initialisation. */
    public static TransformerWeights init(TransformerConfig config, Heads heads, Rng rng) {
        return init(config, heads, rng, DataType.FLOAT);
    }

    /**
     * Wraps existing arrays (e.g. loaded from a checkpoint); names and shapes are validated. Arrays are
     * used as they are, except views, which are copied (SameDiff would copy them anyway).
     */
    public static TransformerWeights of(TransformerConfig config, Heads heads, Map<String, INDArray> params) {
        return new TransformerWeights(config, heads, params, false);
    }

    /** The expected parameter names and shapes, in canonical order. */
    public static Map<String, long[]> shapes(TransformerConfig c, Heads heads) {
        long v = c.vocabSize();
        long d = c.dModel();
        long h = c.mlpHidden();
        Map<String, long[]> s = new LinkedHashMap<>();
        s.put(ParamNames.TOK_EMB, new long[] {v, d});
        s.put(ParamNames.POS_EMB, new long[] {c.maxSeqLen(), d});
        for (int i = 0; i < c.nLayers(); i++) {
            s.put(ParamNames.layer(i, "ln1.g"), new long[] {d});
            s.put(ParamNames.layer(i, "ln1.b"), new long[] {d});
            s.put(ParamNames.layer(i, "attn.wqkv"), new long[] {d, 3 * d});
            s.put(ParamNames.layer(i, "attn.bqkv"), new long[] {3 * d});
            s.put(ParamNames.layer(i, "attn.wo"), new long[] {d, d});
            s.put(ParamNames.layer(i, "attn.bo"), new long[] {d});
            s.put(ParamNames.layer(i, "ln2.g"), new long[] {d});
            s.put(ParamNames.layer(i, "ln2.b"), new long[] {d});
            s.put(ParamNames.layer(i, "mlp.w1"), new long[] {d, h});
            s.put(ParamNames.layer(i, "mlp.b1"), new long[] {h});
            s.put(ParamNames.layer(i, "mlp.w2"), new long[] {h, d});
            s.put(ParamNames.layer(i, "mlp.b2"), new long[] {d});
        }
        s.put(ParamNames.LN_F_G, new long[] {d});
        s.put(ParamNames.LN_F_B, new long[] {d});
        if (heads.hasLm() && !c.tiedEmbeddings()) {
            s.put(ParamNames.LM_HEAD, new long[] {d, v});
        }
        if (heads.hasScalar()) {
            s.put(ParamNames.HEAD_W, new long[] {d, 1});
            s.put(ParamNames.HEAD_B, new long[] {1});
        }
        return s;
    }

    private static INDArray normal(Rng rng, double std, DataType dataType, long[] shape) {
        long n = 1;
        for (long x : shape) {
            n *= x;
        }
        double[] values = new double[Math.toIntExact(n)];
        for (int i = 0; i < values.length; i++) {
            values[i] = rng.nextGaussian() * std;
        }
        return Nd4j.createFromArray(values).castTo(dataType).reshape('c', shape).dup('c');
    }

    public TransformerConfig config() {
        return config;
    }

    public Heads heads() {
        return heads;
    }

    /** The array of parameter {@code name} (shared, not copied). */
    public INDArray get(String name) {
        INDArray a = params.get(name);
        if (a == null) {
            throw new IllegalArgumentException("no parameter " + name + " (have " + params.keySet() + ")");
        }
        return a;
    }

    public boolean has(String name) {
        return params.containsKey(name);
    }

    /** Parameter names in canonical order. */
    public List<String> names() {
        return List.copyOf(params.keySet());
    }

    /** All parameters by name (unmodifiable map over the shared arrays). */
    public Map<String, INDArray> asMap() {
        return params;
    }

    public DataType dataType() {
        return params.get(ParamNames.TOK_EMB).dataType();
    }

    /**
     * The name of the matrix the LM head reads: {@code lm_head} ({@code [D,V]}, {@code logits = h @ lm_head}), or
     * {@code tok_emb} ({@code [V,D]}, {@code logits = h @ tok_emb^T}) when the embeddings are tied.
     */
    public String lmHeadName() {
        return config.tiedEmbeddings() ? ParamNames.TOK_EMB : ParamNames.LM_HEAD;
    }

    /** True for a reference copy made by {@link #frozenCopy()}; trainers refuse to update it. */
    public boolean isFrozen() {
        return frozen;
    }

    /** Total number of scalar parameters. */
    public long numParams() {
        long n = 0;
        for (INDArray a : params.values()) {
            n += a.length();
        }
        return n;
    }

    /** Independent, trainable deep copy (one array copy per parameter). */
    public TransformerWeights copy() {
        return new TransformerWeights(config, heads, dupAll(), false);
    }

    /**
     * Independent deep copy marked frozen: the reference policy of PPO/DPO. It costs one array copy per
     * parameter and is never updated (optimizers reject frozen weights).
     */
    public TransformerWeights frozenCopy() {
        return new TransformerWeights(config, heads, dupAll(), true);
    }

    /** Deep copy converted to {@code dataType} (e.g. DOUBLE for gradient checks). */
    public TransformerWeights castTo(DataType dataType) {
        Map<String, INDArray> p = new LinkedHashMap<>();
        params.forEach((k, v) -> p.put(k, v.castTo(dataType).dup()));
        return new TransformerWeights(config, heads, p, frozen);
    }

    /**
     * A trainable copy with different heads: shared backbone values are copied, heads that are new are
     * initialised from {@code rng} (e.g. a reward model started from an SFT policy).
     */
    public TransformerWeights withHeads(Heads newHeads, Rng rng) {
        TransformerWeights fresh = init(config, newHeads, rng, dataType());
        Map<String, INDArray> p = new LinkedHashMap<>();
        for (String name : fresh.names()) {
            p.put(name, params.containsKey(name) ? params.get(name).dup() : fresh.get(name));
        }
        return new TransformerWeights(config, newHeads, p, false);
    }

    /** Copies every value of {@code other} into this object's arrays in place (shapes and names must match). */
    public void assign(TransformerWeights other) {
        requireNonNull(other, "other is null");
        if (frozen) {
            throw new IllegalStateException("cannot assign to frozen weights");
        }
        if (!other.params.keySet().equals(params.keySet())) {
            throw new IllegalArgumentException("parameter names differ");
        }
        params.forEach((k, v) -> v.assign(other.params.get(k)));
    }

    private Map<String, INDArray> dupAll() {
        Map<String, INDArray> p = new LinkedHashMap<>();
        params.forEach((k, v) -> p.put(k, v.dup()));
        return p;
    }
}
