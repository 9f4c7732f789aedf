package org.rlhf4j.algorithms.model;

import static java.util.Objects.requireNonNull;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.custom.SoftMax;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Incremental decoding of a fixed batch of left-padded rows with a {@link KvCache}, on buffers allocated
 * once: {@link #prefill} runs the prompts through {@link Nd4jForward#step} (allocating, once per batch), then
 * every {@link #next} appends one column per row without allocating a data buffer (only views; its attention runs over the
 * cache's full capacity, columns not yet written masked out). The same function as {@link Nd4jForward#step}
 * up to float rounding. One instance per thread: it is not thread-safe.
 */
public final class KvDecoder {
    private static final float NEG_INF = -1e9f;

    private final TransformerWeights w;
    private final TransformerConfig c;
    private final Nd4jForward forward;
    private final KvCache cache;
    private final int batch;
    private final int d;
    private final int capacity;
    private final int[] padLeft;
    private final int[] tok;
    private final int[] pos;
    private final INDArray x;
    private final INDArray posRows;
    private final INDArray a;
    private final INDArray xc;
    private final INDArray sq;
    private final INDArray mean;
    private final INDArray rstd;
    private final INDArray qkv;
    private final INDArray[] qView;
    private final INDArray[] kView;
    private final INDArray[] vView;
    private final INDArray q;
    private final INDArray q4;
    private final INDArray scores;
    private final INDArray mask;
    private final INDArray ctx4;
    private final INDArray ctx;
    private final INDArray u;
    private final INDArray s;
    private final INDArray hg;
    private final INDArray logits;
    private final INDArray onesN;
    private final INDArray onesD;
    private final double scale;

    /** A decoder for {@code padLeft.length} rows of at most {@code capacity} columns over {@code weights}. */
    public KvDecoder(TransformerWeights weights, int capacity, int[] padLeft) {
        this.w = requireNonNull(weights, "weights is null");
        this.c = weights.config();
        this.padLeft = requireNonNull(padLeft, "padLeft is null").clone();
        if (!weights.heads().hasLm()) {
            throw new IllegalArgumentException("decoding needs an LM head");
        }
        this.forward = new Nd4jForward(weights, 1);
        this.batch = padLeft.length;
        this.capacity = capacity;
        this.cache = forward.newCache(batch, capacity, padLeft);
        DataType dt = weights.dataType();
        d = c.dModel();
        int heads = c.nHeads();
        int dh = c.headDim();
        scale = 1.0 / Math.sqrt(dh);
        tok = new int[batch];
        pos = new int[batch];
        x = Nd4j.create(dt, batch, d);
        posRows = Nd4j.create(dt, batch, d);
        a = Nd4j.create(dt, batch, d);
        xc = Nd4j.create(dt, batch, d);
        sq = Nd4j.create(dt, batch, d);
        mean = Nd4j.create(dt, batch, 1);
        rstd = Nd4j.create(dt, batch, 1);
        qkv = Nd4j.create(dt, batch, 3L * d);
        INDArray split = qkv.reshape(batch, 3, heads, dh);
        q = Nd4j.create(dt, batch, heads, dh);
        q4 = q.reshape(batch, heads, 1, dh);
        qView = new INDArray[] {split.get(NDArrayIndex.all(), NDArrayIndex.point(0), NDArrayIndex.all(), NDArrayIndex.all())};
        kView = new INDArray[] {split.get(NDArrayIndex.all(), NDArrayIndex.point(1), NDArrayIndex.all(), NDArrayIndex.all())};
        vView = new INDArray[] {split.get(NDArrayIndex.all(), NDArrayIndex.point(2), NDArrayIndex.all(), NDArrayIndex.all())};
        scores = Nd4j.create(dt, batch, heads, 1, capacity);
        float[] m = new float[batch * heads * capacity];
        java.util.Arrays.fill(m, NEG_INF);
        mask = Nd4j.create(m, new long[] {batch, heads, 1, capacity}, 'c').castTo(dt);
        ctx4 = Nd4j.create(dt, batch, heads, 1, dh);
        ctx = ctx4.reshape(batch, d); // with one query column, [B,H,1,dh] is [B,D] in memory
        u = Nd4j.create(dt, batch, c.mlpHidden());
        s = Nd4j.create(dt, batch, c.mlpHidden());
        hg = Nd4j.create(dt, batch, c.mlpHidden());
        logits = Nd4j.create(dt, batch, c.vocabSize());
        onesN = Nd4j.ones(dt, batch, 1);
        onesD = Nd4j.ones(dt, d, 1);
    }

    /** Rows of the batch. */
    public int batch() {
        return batch;
    }

    /** Runs the (left-padded, equal-length) prompts {@code ids [B][n]} and returns the logits {@code [B,V]} of their last column. */
    public INDArray prefill(int[][] ids) {
        if (cache.length() != 0) {
            throw new IllegalStateException("already prefilled");
        }
        INDArray out = forward.step(ids, cache);
        int n = cache.length();
        int heads = c.nHeads();
        float[] m = new float[batch * heads * capacity];
        java.util.Arrays.fill(m, NEG_INF);
        for (int i = 0; i < batch; i++) {
            for (int h = 0; h < heads; h++) {
                java.util.Arrays.fill(m, (i * heads + h) * capacity + Math.min(padLeft[i], n), (i * heads + h) * capacity + n, 0f);
            }
        }
        mask.assign(Nd4j.create(m, new long[] {batch, heads, 1, capacity}, 'c').castTo(mask.dataType()));
        return out;
    }

    /**
     * Appends column {@code tokens[b]} to every row and returns the next-token logits {@code [B,V]} (a buffer
     * overwritten by the next call).
     */
    public INDArray next(int[] tokens) {
        int col = cache.length();
        if (col == 0) {
            throw new IllegalStateException("prefill first");
        }
        if (col >= capacity) {
            throw new IllegalStateException("cache full: " + capacity);
        }
        for (int i = 0; i < batch; i++) {
            int id = tokens[i];
            if (id < 0 || id >= c.vocabSize()) {
                throw new IllegalArgumentException("token id out of range: " + id);
            }
            tok[i] = id;
            int p = col - padLeft[i];
            if (p >= c.maxSeqLen()) {
                throw new IllegalArgumentException("position " + p + " exceeds maxSeqLen " + c.maxSeqLen());
            }
            pos[i] = Math.max(p, 0);
        }
        mask.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.point(0), NDArrayIndex.point(col)).assign(0);
        Nd4j.pullRows(w.get(ParamNames.TOK_EMB), x, 1, tok);
        Nd4j.pullRows(w.get(ParamNames.POS_EMB), posRows, 1, pos);
        x.addi(posRows);
        for (int layer = 0; layer < c.nLayers(); layer++) {
            layerNorm(x, p(layer, "ln1.g"), p(layer, "ln1.b"), a);
            addBias(qkv, p(layer, "attn.bqkv"), 0.0);
            Nd4j.gemm(a, p(layer, "attn.wqkv"), qkv, false, false, 1.0, 1.0);
            q.assign(qView[0]).muli(scale);
            INDArray keys = cache.keys(layer);
            INDArray values = cache.values(layer);
            keys.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.point(col), NDArrayIndex.all()).assign(kView[0]);
            values.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.point(col), NDArrayIndex.all()).assign(vView[0]);
            Nd4j.matmul(q4, keys, scores, false, true, false);
            scores.addi(mask);
            Nd4j.exec(new SoftMax(scores, scores, -1));
            Nd4j.matmul(scores, values, ctx4, false, false, false);
            Nd4j.gemm(ctx, p(layer, "attn.wo"), x, false, false, 1.0, 1.0);
            addBias(x, p(layer, "attn.bo"), 1.0);
            layerNorm(x, p(layer, "ln2.g"), p(layer, "ln2.b"), a);
            addBias(u, p(layer, "mlp.b1"), 0.0);
            Nd4j.gemm(a, p(layer, "mlp.w1"), u, false, false, 1.0, 1.0);
            gelu();
            Nd4j.gemm(hg, p(layer, "mlp.w2"), x, false, false, 1.0, 1.0);
            addBias(x, p(layer, "mlp.b2"), 1.0);
        }
        cache.advance(1);
        layerNorm(x, w.get(ParamNames.LN_F_G), w.get(ParamNames.LN_F_B), a);
        Nd4j.gemm(a, w.get(ParamNames.LM_HEAD), logits, false, false, 1.0, 0.0);
        return logits;
    }

    private INDArray p(int layer, String suffix) {
        return w.get(ParamNames.layer(layer, suffix));
    }

    /** out = (x - mean) / sqrt(var + eps) * g + b over each row. */
    private void layerNorm(INDArray in, INDArray gain, INDArray bias, INDArray out) {
        Nd4j.gemm(in, onesD, mean, false, false, 1.0 / d, 0.0);
        in.sub(mean, xc);
        xc.mul(xc, sq);
        Nd4j.gemm(sq, onesD, rstd, false, false, 1.0 / d, 0.0);
        rstd.addi(c.layerNormEps());
        Transforms.pow(rstd, -0.5, false);
        xc.mul(rstd, sq);
        sq.mul(gain.reshape(1, d), out);
        addBias(out, bias, 1.0);
    }

    /** {@code out = beta * out + ones[B,1] @ bias[1,cols]}. */
    private void addBias(INDArray out, INDArray bias, double beta) {
        Nd4j.gemm(onesN, bias.reshape(1, bias.length()), out, false, false, 1.0, beta);
    }

    private static final double GELU_C = 2.0 * Math.sqrt(2.0 / Math.PI);
    private static final double GELU_K = 0.044715;

    /** hg = u * sigmoid(u * (C + C K u^2)), the tanh-approximation GELU. */
    private void gelu() {
        u.mul(u, s).muli(GELU_C * GELU_K).addi(GELU_C).muli(u);
        Transforms.sigmoid(s, false);
        u.mul(s, hg);
    }
}
