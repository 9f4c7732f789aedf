package org.rlhf4j.engine.model;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.custom.SoftMax;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Hand-written forward and backward pass of the docs/model.md transformer in plain ND4J array operations
 * (no SameDiff session): the fast training path.
 *
 * <p>One instance serves one batch shape {@code [B,T]}. Every activation the backward pass needs, every
 * scratch array and every gradient is allocated ONCE in the constructor and overwritten by each call
 * (fresh native allocations of this size cost more than the arithmetic on them). So arrays returned by
 * {@link #forward}, {@link #hidden()} and {@link #backward} are only valid until the next call.
 *
 * <p>Losses plug in through their gradient: {@link #backward(INDArray, INDArray)} takes
 * dLoss/dLogits {@code [B*T,V]} (LM losses, see {@link LmLoss}) and/or dLoss/dHidden {@code [B*T,D]}
 * (gradient arriving at the final-layer-norm output, e.g. from a scalar head computed by the caller).
 * It returns the gradient of EVERY backbone parameter (and {@code lm_head} if the weights have one),
 * including the embeddings; with tied embeddings the LM head's gradient is part of {@code tok_emb}'s. The same function as {@link TransformerGraph} (tested against it and
 * against finite differences in double precision); rows are batch-major, {@code row = b * T + t}.
 */
public final class Nd4jBackprop {
    private final TransformerWeights w;
    private final TransformerConfig c;
    private final int batch;
    private final int seqLen;
    private final int n;
    private final int d;
    private final int heads;
    private final int dh;
    private final double scale;
    private final int[] tok;
    private final int[] pos;
    private final Layer[] layers;
    private final INDArray x;
    private final INDArray posRows;
    private final INDArray fXhat;
    private final INDArray fRstd;
    private final INDArray hidden;
    private final INDArray logits;
    private final INDArray mask;
    private final BlockOps ops;
    private final boolean blasAttention;
    private final boolean tied;
    // scratch
    private final INDArray ndA;
    private final INDArray dX;
    private final INDArray nfA;
    private final INDArray nfB;
    private final INDArray dqkv;
    private final INDArray dqkvh;
    private final INDArray dqkvGather;
    private final INDArray dqkv5;
    private final INDArray dq;
    private final INDArray dk;
    private final INDArray dv;
    private final INDArray dctx;
    private final INDArray dctxView;
    private final INDArray dctxh;
    private final INDArray dctxh3;
    private final INDArray datt;
    private final INDArray attTmp;
    private final INDArray attCol;
    private final INDArray onesT;
    private final Map<String, INDArray> grads = new LinkedHashMap<>();
    private final Map<String, INDArray> gradsView = Collections.unmodifiableMap(grads);
    private boolean forwardDone;

    /** Stored activations of one transformer block. */
    private static final class Layer {
        final INDArray xhat1, rstd1, a1, qkv, qkvView, qkvh, q, k, v, att, ctxh, ctxh3, ctx, ctxView, xhat2, rstd2, a2, u, s, hg;

        Layer(DataType dt, int b, int t, int d, int h, int dh, int f) {
            int n = b * t;
            xhat1 = Nd4j.create(dt, n, d);
            rstd1 = Nd4j.create(dt, n, 1);
            a1 = Nd4j.create(dt, n, d);
            qkv = Nd4j.create(dt, n, 3L * d);
            qkvView = qkv.reshape(b, t, 3, h, dh).permute(2, 0, 3, 1, 4);
            qkvh = Nd4j.create(dt, 3, b, h, t, dh);
            q = qkvh.get(NDArrayIndex.point(0)).reshape(b * h, t, dh);
            k = qkvh.get(NDArrayIndex.point(1)).reshape(b * h, t, dh);
            v = qkvh.get(NDArrayIndex.point(2)).reshape(b * h, t, dh);
            att = Nd4j.create(dt, b * h, t, t);
            ctxh = Nd4j.create(dt, b, h, t, dh);
            ctxh3 = ctxh.reshape(b * h, t, dh);
            ctx = Nd4j.create(dt, n, d);
            ctxView = ctx.reshape(b, t, h, dh).permute(0, 2, 1, 3);
            xhat2 = Nd4j.create(dt, n, d);
            rstd2 = Nd4j.create(dt, n, 1);
            a2 = Nd4j.create(dt, n, d);
            u = Nd4j.create(dt, n, f);
            s = Nd4j.create(dt, n, f);
            hg = Nd4j.create(dt, n, f);
        }
    }

    /** An instance for {@code [batch, seqLen]} inputs with its own gradient arrays. */
    public Nd4jBackprop(TransformerWeights weights, int batch, int seqLen) {
        this(weights, batch, seqLen, Map.of());
    }

    /**
     * An instance that writes the gradient of parameter {@code name} into {@code gradientBuffers.get(name)}
     * where given (same shape and type as the parameter; e.g. {@link org.rlhf4j.engine.optim.AdamW#gradientBuffers()},
     * which saves the optimizer a copy), and into its own arrays otherwise.
     */
    public Nd4jBackprop(TransformerWeights weights, int batch, int seqLen, Map<String, INDArray> gradientBuffers) {
        requireNonNull(gradientBuffers, "gradientBuffers is null");
        this.w = requireNonNull(weights, "weights is null");
        this.c = weights.config();
        if (batch <= 0 || seqLen <= 0 || seqLen > c.maxSeqLen()) {
            throw new IllegalArgumentException("bad shape: batch " + batch + ", seqLen " + seqLen + " (max " + c.maxSeqLen() + ")");
        }
        this.batch = batch;
        this.seqLen = seqLen;
        this.n = batch * seqLen;
        this.d = c.dModel();
        this.heads = c.nHeads();
        this.dh = c.headDim();
        this.scale = 1.0 / Math.sqrt(dh);
        int f = c.mlpHidden();
        DataType dt = weights.dataType();
        tok = new int[n];
        pos = new int[n];
        for (int r = 0; r < n; r++) {
            pos[r] = r % seqLen;
        }
        layers = new Layer[c.nLayers()];
        for (int i = 0; i < layers.length; i++) {
            layers[i] = new Layer(dt, batch, seqLen, d, heads, dh, f);
        }
        x = Nd4j.create(dt, n, d);
        posRows = Nd4j.create(dt, n, d);
        fXhat = Nd4j.create(dt, n, d);
        fRstd = Nd4j.create(dt, n, 1);
        hidden = Nd4j.create(dt, n, d);
        logits = weights.heads().hasLm() ? Nd4j.create(dt, n, c.vocabSize()) : null;
        INDArray causal = CausalMask.of(seqLen, dt);
        mask = Nd4j.create(dt, (long) batch * heads, seqLen, seqLen);
        for (int i = 0; i < batch * heads; i++) {
            mask.get(NDArrayIndex.point(i)).assign(causal);
        }
        ops = new BlockOps(dt, n, d, c.layerNormEps());
        blasAttention = dt == DataType.FLOAT;
        tied = c.tiedEmbeddings();
        ndA = Nd4j.create(dt, n, d);
        dX = Nd4j.create(dt, n, d);
        onesT = Nd4j.ones(dt, seqLen, 1);
        nfA = Nd4j.create(dt, n, f);
        nfB = Nd4j.create(dt, n, f);
        dqkv = Nd4j.create(dt, n, 3L * d);
        dqkvh = Nd4j.create(dt, 3, batch, heads, seqLen, dh);
        dqkvGather = dqkvh.permute(1, 3, 0, 2, 4);
        dqkv5 = dqkv.reshape(batch, seqLen, 3, heads, dh);
        dq = dqkvh.get(NDArrayIndex.point(0)).reshape(batch * heads, seqLen, dh);
        dk = dqkvh.get(NDArrayIndex.point(1)).reshape(batch * heads, seqLen, dh);
        dv = dqkvh.get(NDArrayIndex.point(2)).reshape(batch * heads, seqLen, dh);
        dctx = Nd4j.create(dt, n, d);
        dctxView = dctx.reshape(batch, seqLen, heads, dh).permute(0, 2, 1, 3);
        dctxh = Nd4j.create(dt, batch, heads, seqLen, dh);
        dctxh3 = dctxh.reshape(batch * heads, seqLen, dh);
        datt = Nd4j.create(dt, (long) batch * heads, seqLen, seqLen);
        attTmp = Nd4j.create(dt, (long) batch * heads, seqLen, seqLen);
        attCol = Nd4j.create(dt, (long) batch * heads * seqLen, 1);
        for (String name : weights.names()) {
            if (!name.equals(ParamNames.HEAD_W) && !name.equals(ParamNames.HEAD_B)) {
                INDArray given = gradientBuffers.get(name);
                INDArray p = weights.get(name);
                if (given != null && (!java.util.Arrays.equals(given.shape(), p.shape()) || given.dataType() != p.dataType())) {
                    throw new IllegalArgumentException("gradient buffer for " + name + " does not match the parameter");
                }
                grads.put(name, given != null ? given : p.ulike());
            }
        }
    }

    /** The weights this pass reads (shared, not copied). */
    public TransformerWeights weights() {
        return w;
    }

    /** Rows B of the {@code [B,T]} inputs this instance serves. */
    public int batch() {
        return batch;
    }

    /** Columns T of the {@code [B,T]} inputs this instance serves. */
    public int seqLen() {
        return seqLen;
    }

    /**
     * Forward pass on {@code ids [B][T]} keeping the activations for {@link #backward}. Returns the
     * logits {@code [B*T,V]} (null for weights without an LM head); the final hidden states are
     * {@link #hidden()}.
     */
    public INDArray forward(int[][] ids) {
        return forward(ids, true);
    }

    /**
     * {@link #forward(int[][])}, computing the logits only when {@code withLogits} (a loss that evaluates the LM
     * head itself at some rows, e.g. {@link MaskedLmHead}, skips the {@code [B*T,D] x [D,V]} product); returns
     * null without them, and {@link #logits()} is then stale.
     */
    public INDArray forward(int[][] ids, boolean withLogits) {
        flatIds(ids);
        Nd4j.pullRows(w.get(ParamNames.TOK_EMB), x, 1, tok);
        Nd4j.pullRows(w.get(ParamNames.POS_EMB), posRows, 1, pos);
        x.addi(posRows);
        for (int i = 0; i < layers.length; i++) {
            Layer l = layers[i];
            ops.layerNorm(x, l.xhat1, l.rstd1, p(i, "ln1.g"), p(i, "ln1.b"), l.a1);
            ops.addBias(l.qkv, p(i, "attn.bqkv"), 0.0);
            Nd4j.gemm(l.a1, p(i, "attn.wqkv"), l.qkv, false, false, 1.0, 1.0);
            l.qkvh.assign(l.qkvView);
            l.q.muli(scale);
            matmul(l.q, false, l.k, true, l.att);
            l.att.addi(mask);
            Nd4j.exec(new SoftMax(l.att, l.att, -1));
            matmul(l.att, false, l.v, false, l.ctxh3);
            l.ctxView.assign(l.ctxh);
            Nd4j.gemm(l.ctx, p(i, "attn.wo"), x, false, false, 1.0, 1.0);
            ops.addBias(x, p(i, "attn.bo"), 1.0);
            ops.layerNorm(x, l.xhat2, l.rstd2, p(i, "ln2.g"), p(i, "ln2.b"), l.a2);
            ops.addBias(l.u, p(i, "mlp.b1"), 0.0);
            Nd4j.gemm(l.a2, p(i, "mlp.w1"), l.u, false, false, 1.0, 1.0);
            BlockOps.geluFast(l.u, l.s, l.hg);
            Nd4j.gemm(l.hg, p(i, "mlp.w2"), x, false, false, 1.0, 1.0);
            ops.addBias(x, p(i, "mlp.b2"), 1.0);
        }
        ops.layerNorm(x, fXhat, fRstd, w.get(ParamNames.LN_F_G), w.get(ParamNames.LN_F_B), hidden);
        forwardDone = true;
        if (logits == null || !withLogits) {
            return null;
        }
        LmHeadMatrix.logits(w.get(w.lmHeadName()), tied, hidden, logits);
        return logits;
    }

    /** Final-layer-norm hidden states {@code [B*T,D]} of the last {@link #forward} (reused buffer). */
    public INDArray hidden() {
        return hidden;
    }

    /** Logits {@code [B*T,V]} of the last {@link #forward} (reused buffer; null without LM head). */
    public INDArray logits() {
        return logits;
    }

    /**
     * Backward pass for the last {@link #forward}: {@code dLogits [B*T,V]} (may be null: no LM loss) and
     * {@code dHidden [B*T,D]} (may be null) are the loss gradients at the logits and at the final hidden
     * states. Neither is modified. Returns the gradients by parameter name in canonical order (reused
     * buffers, overwritten by the next call; {@code head.w/head.b} are the caller's). Without
     * {@code dLogits}, the {@code lm_head} gradient is zero.
     */
    public Map<String, INDArray> backward(INDArray dLogits, INDArray dHidden) {
        if (!forwardDone) {
            throw new IllegalStateException("backward needs a forward first");
        }
        if (dLogits == null && dHidden == null) {
            throw new IllegalArgumentException("no loss gradient given");
        }
        if (dLogits != null) {
            if (logits == null) {
                throw new IllegalArgumentException("dLogits given but the model has no LM head");
            }
            if (!tied) {
                LmHeadMatrix.weightGradient(false, hidden, dLogits, grads.get(ParamNames.LM_HEAD), 0.0);
            }
            LmHeadMatrix.hiddenGradient(w.get(w.lmHeadName()), tied, dLogits, ndA, 0.0);
            if (dHidden != null) {
                ndA.addi(dHidden);
            }
        } else {
            ndA.assign(dHidden);
            if (logits != null && !tied) {
                grads.get(ParamNames.LM_HEAD).assign(0);
            }
        }
        dX.assign(0);
        ops.layerNormBackward(ndA, fXhat, fRstd, w.get(ParamNames.LN_F_G), grads.get(ParamNames.LN_F_G), grads.get(ParamNames.LN_F_B), dX);
        for (int i = layers.length - 1; i >= 0; i--) {
            Layer l = layers[i];
            // MLP: x += gelu(a2 @ w1 + b1) @ w2 + b2
            Nd4j.gemm(l.hg, dX, g(i, "mlp.w2"), true, false, 1.0, 0.0);
            ops.colSum(dX, g(i, "mlp.b2"));
            Nd4j.gemm(dX, p(i, "mlp.w2"), nfA, false, true, 1.0, 0.0);
            BlockOps.geluBackwardFast(l.u, l.s, nfA, l.hg, nfB); // hg is no longer needed
            Nd4j.gemm(l.a2, nfA, g(i, "mlp.w1"), true, false, 1.0, 0.0);
            ops.colSum(nfA, g(i, "mlp.b1"));
            Nd4j.gemm(nfA, p(i, "mlp.w1"), ndA, false, true, 1.0, 0.0);
            ops.layerNormBackward(ndA, l.xhat2, l.rstd2, p(i, "ln2.g"), g(i, "ln2.g"), g(i, "ln2.b"), dX);
            // attention: x += merge(softmax(q k^T * scale + mask) v) @ wo + bo
            Nd4j.gemm(l.ctx, dX, g(i, "attn.wo"), true, false, 1.0, 0.0);
            ops.colSum(dX, g(i, "attn.bo"));
            Nd4j.gemm(dX, p(i, "attn.wo"), dctx, false, true, 1.0, 0.0);
            dctxh.assign(dctxView);
            matmul(dctxh3, false, l.v, true, datt);
            matmul(l.att, true, dctxh3, false, dv);
            // softmax backward: dscores = att * (datt - rowsum(datt * att))
            datt.mul(l.att, attTmp);
            Nd4j.gemm(attTmp.reshape((long) batch * heads * seqLen, seqLen), onesT, attCol, false, false, 1.0, 0.0);
            datt.reshape((long) batch * heads * seqLen, seqLen).sub(attCol, attTmp.reshape((long) batch * heads * seqLen, seqLen));
            attTmp.mul(l.att, datt);
            matmul(datt, false, l.k, false, dq);
            dq.muli(scale);
            matmul(datt, true, l.q, false, dk); // q holds q * scale
            dqkv5.assign(dqkvGather); // contiguous writes, strided reads
            Nd4j.gemm(l.a1, dqkv, g(i, "attn.wqkv"), true, false, 1.0, 0.0);
            ops.colSum(dqkv, g(i, "attn.bqkv"));
            Nd4j.gemm(dqkv, p(i, "attn.wqkv"), ndA, false, true, 1.0, 0.0);
            ops.layerNormBackward(ndA, l.xhat1, l.rstd1, p(i, "ln1.g"), g(i, "ln1.g"), g(i, "ln1.b"), dX);
        }
        EmbeddingGradients.scatterAddInto(dX, new int[][] {tok, pos},
                new INDArray[] {grads.get(ParamNames.TOK_EMB), grads.get(ParamNames.POS_EMB)});
        if (tied && dLogits != null) { // the head's part of the one tied matrix, added to the embedding's
            LmHeadMatrix.weightGradient(true, hidden, dLogits, grads.get(ParamNames.TOK_EMB), 1.0);
        }
        return gradsView;
    }

    /** The gradient arrays {@link #backward} fills, by parameter name (reused buffers). */
    public Map<String, INDArray> gradients() {
        return gradsView;
    }

    private INDArray p(int layer, String suffix) {
        return w.get(ParamNames.layer(layer, suffix));
    }

    private INDArray g(int layer, String suffix) {
        return grads.get(ParamNames.layer(layer, suffix));
    }

    /**
     * {@code c[i] = op(a[i]) @ op(b[i])} over the leading dimension: a loop of BLAS calls for float (about half the
     * cost of ND4J's batched matmul at these sizes), ND4J's matmul otherwise.
     */
    private void matmul(INDArray a, boolean transA, INDArray b, boolean transB, INDArray c) {
        if (blasAttention) {
            BlockOps.batchedGemm(a, transA, b, transB, c);
        } else {
            Nd4j.matmul(a, b, c, transA, transB, false);
        }
    }

    private void flatIds(int[][] ids) {
        requireNonNull(ids, "ids is null");
        if (ids.length != batch) {
            throw new IllegalArgumentException("ids must have " + batch + " rows, got " + ids.length);
        }
        int v = c.vocabSize();
        for (int b = 0; b < batch; b++) {
            if (ids[b].length != seqLen) {
                throw new IllegalArgumentException("ids row " + b + " must have " + seqLen + " columns, got " + ids[b].length);
            }
            for (int t = 0; t < seqLen; t++) {
                int id = ids[b][t];
                if (id < 0 || id >= v) {
                    throw new IllegalArgumentException("token id out of range: " + id);
                }
                tok[b * seqLen + t] = id;
            }
        }
    }
}
