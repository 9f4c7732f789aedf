package org.rlhf4j.algorithms.model;

import static java.util.Objects.requireNonNull;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The transformer of MODEL_SPEC.md as a SameDiff graph for one fixed batch size and sequence length.
 *
 * <p>Every parameter is registered with {@code sd.var(name, array)} on the SAME array object held by
 * {@link TransformerWeights}, so graphs of different shapes built from one weights object share (and
 * update) the same parameters. The graph follows the recipes of dl4j-notes.md that avoid SameDiff
 * M2.1 bugs: one-hot-times-matrix embeddings (no gather), hand-written causal attention with a
 * {@code [T,T]} additive mask placeholder, fused q/k/v matmul, log-softmax times one-hot (no sparse
 * cross-entropy), {@code logSoftmax} without a dimension, and layer norm / tanh-GELU written out
 * (the built-in layer_norm has no epsilon and the built-in gelu is the sigmoid approximation).
 *
 * <p>The residual stream is kept 2-D, {@code [B*T, D]}; rows are batch-major.
 *
 * <h2>Placeholders</h2>
 * <ul>
 *   <li>{@value #IDS}: int {@code [B,T]} input token ids</li>
 *   <li>{@value #CAUSAL_MASK}: {@code [T,T]} additive mask, see {@link #causalMask(int, DataType)}</li>
 *   <li>{@value #TARGETS}: int {@code [B,T]} (LM head) token whose log-prob is read at each position</li>
 *   <li>{@value #LAST_MASK}: {@code [B,T]} (scalar head) one-hot of the last real token of each row</li>
 *   <li>{@value #LOSS_MASK}: {@code [B,T]} (after {@link #addLmLoss()}) 1 where a target counts</li>
 * </ul>
 * <h2>Outputs</h2>
 * {@value #LOGITS} {@code [B*T,V]}, {@value #TOKEN_LOGP} {@code [B,T]} = log p(targets[b,t] | ids[b,0..t]),
 * {@value #VALUES} {@code [B,T]} per-token scalar head, {@value #REWARD} {@code [B]} scalar at the last token,
 * {@value #LM_LOSS} masked mean next-token cross-entropy.
 */
public final class TransformerGraph {
    public static final String IDS = "ids";
    public static final String CAUSAL_MASK = "causal_mask";
    public static final String TARGETS = "targets";
    public static final String LAST_MASK = "last_mask";
    public static final String LOSS_MASK = "loss_mask";
    public static final String LOGITS = "logits";
    public static final String TOKEN_LOGP = "token_logp";
    public static final String VALUES = "values";
    public static final String REWARD = "reward";
    public static final String LM_LOSS = "lm_loss";

    private static final double NEG_INF = -1e9;

    private final SameDiff sd;
    private final TransformerWeights weights;
    private final int batch;
    private final int seqLen;
    private final DataType dataType;
    private final INDArray causalMask;
    private final SDVariable normalized;
    private SDVariable tokenLogp;
    private SDVariable logits;
    private SDVariable values;
    private SDVariable reward;
    private SDVariable lmLoss;

    private TransformerGraph(TransformerWeights weights, int batch, int seqLen, boolean lm, boolean scalar) {
        this.weights = requireNonNull(weights, "weights is null");
        TransformerConfig c = weights.config();
        if (batch <= 0 || seqLen <= 0 || seqLen > c.maxSeqLen()) {
            throw new IllegalArgumentException("bad shape: batch " + batch + ", seqLen " + seqLen + " (max " + c.maxSeqLen() + ")");
        }
        if ((lm && !weights.heads().hasLm()) || (scalar && !weights.heads().hasScalar()) || (!lm && !scalar)) {
            throw new IllegalArgumentException("requested heads (lm=" + lm + ", scalar=" + scalar + ") not available in " + weights.heads());
        }
        this.batch = batch;
        this.seqLen = seqLen;
        this.dataType = weights.dataType();
        this.causalMask = causalMask(seqLen, dataType);
        this.sd = SameDiff.create();
        this.normalized = buildBackbone(c);
        if (lm) {
            buildLmHead(c);
        }
        if (scalar) {
            buildScalarHead();
        }
    }

    /** A graph with the language-model head: outputs {@value #LOGITS} and {@value #TOKEN_LOGP}. */
    public static TransformerGraph lm(TransformerWeights weights, int batch, int seqLen) {
        return new TransformerGraph(weights, batch, seqLen, true, false);
    }

    /** A graph with the scalar head: outputs {@value #VALUES} and {@value #REWARD}. */
    public static TransformerGraph scalar(TransformerWeights weights, int batch, int seqLen) {
        return new TransformerGraph(weights, batch, seqLen, false, true);
    }

    /** A graph with both heads (e.g. policy plus value head). */
    public static TransformerGraph both(TransformerWeights weights, int batch, int seqLen) {
        return new TransformerGraph(weights, batch, seqLen, true, true);
    }

    /** The additive causal mask: 0 on and below the diagonal, -1e9 above it. */
    public static INDArray causalMask(int t, DataType dataType) {
        double[][] m = new double[t][t];
        for (int i = 0; i < t; i++) {
            for (int j = i + 1; j < t; j++) {
                m[i][j] = NEG_INF;
            }
        }
        return Nd4j.createFromArray(m).castTo(dataType);
    }

    private SDVariable buildBackbone(TransformerConfig c) {
        int n = batch * seqLen;
        int d = c.dModel();
        int h = c.nHeads();
        int dh = c.headDim();
        SDVariable ids = sd.placeHolder(IDS, DataType.INT, batch, seqLen);
        SDVariable mask = sd.placeHolder(CAUSAL_MASK, dataType, seqLen, seqLen);

        SDVariable tokOneHot = sd.oneHot("ids_onehot", ids.reshape(n), c.vocabSize(), -1, 1.0, 0.0, dataType);
        SDVariable x = tokOneHot.mmul(param(ParamNames.TOK_EMB));
        // positions as a constant selection matrix [B*T, maxT] times pos_emb: no slicing, no gather
        double[][] sel = new double[n][c.maxSeqLen()];
        for (int r = 0; r < n; r++) {
            sel[r][r % seqLen] = 1.0;
        }
        SDVariable posSel = sd.constant("pos_select", Nd4j.createFromArray(sel).castTo(dataType));
        x = x.add(posSel.mmul(param(ParamNames.POS_EMB)));

        double scale = 1.0 / Math.sqrt(dh);
        for (int i = 0; i < c.nLayers(); i++) {
            SDVariable a = normalize(x, c.layerNormEps());
            SDVariable qkv = affineAfterNorm(a, ParamNames.layer(i, "ln1"), ParamNames.layer(i, "attn.wqkv"), ParamNames.layer(i, "attn.bqkv"));
            SDVariable heads = qkv.reshape(batch, seqLen, 3, h, dh).permute(2, 0, 3, 1, 4); // [3,B,H,T,dh]
            SDVariable[] qkvSplit = sd.unstack(heads, 0, 3);
            SDVariable scores = sd.mmul(qkvSplit[0], qkvSplit[1], false, true, false).mul(scale).add(mask);
            SDVariable att = sd.nn.softmax(scores, -1);
            SDVariable ctx = sd.mmul(att, qkvSplit[2]).permute(0, 2, 1, 3).reshape(n, d);
            SDVariable attnOut = ctx.mmul(param(ParamNames.layer(i, "attn.wo"))).add(param(ParamNames.layer(i, "attn.bo")));
            x = x.add(attnOut);
            SDVariable m = normalize(x, c.layerNormEps());
            SDVariable hid = gelu(affineAfterNorm(m, ParamNames.layer(i, "ln2"), ParamNames.layer(i, "mlp.w1"), ParamNames.layer(i, "mlp.b1")));
            x = x.add(hid.mmul(param(ParamNames.layer(i, "mlp.w2"))).add(param(ParamNames.layer(i, "mlp.b2"))));
        }
        return normalize(x, c.layerNormEps());
    }

    private void buildLmHead(TransformerConfig c) {
        int n = batch * seqLen;
        logits = sd.identity(LOGITS, affineAfterNorm(normalized, "ln_f", ParamNames.LM_HEAD, null));
        SDVariable logp = sd.nn.logSoftmax(logits);
        SDVariable targets = sd.placeHolder(TARGETS, DataType.INT, batch, seqLen);
        SDVariable targetOneHot = sd.oneHot("targets_onehot", targets.reshape(n), c.vocabSize(), -1, 1.0, 0.0, dataType);
        tokenLogp = sd.identity(TOKEN_LOGP, logp.mul(targetOneHot).sum(1).reshape(batch, seqLen));
    }

    private void buildScalarHead() {
        SDVariable v = affineAfterNorm(normalized, "ln_f", ParamNames.HEAD_W, ParamNames.HEAD_B);
        values = sd.identity(VALUES, v.reshape(batch, seqLen));
        SDVariable last = sd.placeHolder(LAST_MASK, dataType, batch, seqLen);
        reward = sd.identity(REWARD, values.mul(last).sum(1));
    }

    /**
     * Adds the masked next-token cross-entropy {@value #LM_LOSS} = -sum(token_logp * loss_mask) / sum(loss_mask)
     * and makes it the graph's loss. Returns the loss variable.
     */
    public SDVariable addLmLoss() {
        if (tokenLogp == null) {
            throw new IllegalStateException("graph has no LM head");
        }
        if (lmLoss != null) {
            return lmLoss;
        }
        SDVariable lossMask = sd.placeHolder(LOSS_MASK, dataType, batch, seqLen);
        lmLoss = sd.math.neg(tokenLogp.mul(lossMask).sum().div(lossMask.sum())).rename(LM_LOSS);
        sd.setLossVariables(lmLoss);
        return lmLoss;
    }

    private SDVariable param(String name) {
        SDVariable v = sd.getVariable(name);
        return v != null ? v : sd.var(name, weights.get(name));
    }

    /** Layer norm without gain and bias: (x - mean) / sqrt(var + eps) over the last dimension. */
    private SDVariable normalize(SDVariable x, double eps) {
        SDVariable xc = x.sub(x.mean(true, 1));
        SDVariable rstd = sd.math.rsqrt(xc.mul(xc).mean(true, 1).add(eps));
        return xc.mul(rstd);
    }

    /**
     * {@code (xhat * g + b) @ W + bias} for a layer norm {@code prefix} (gain g, bias b) followed by a
     * linear layer, computed as {@code xhat @ (g[:,None] * W) + (b @ W + bias)}: the same function, but the
     * gain and bias touch the small weight matrix instead of the large activation (fewer, cheaper ops).
     */
    private SDVariable affineAfterNorm(SDVariable xhat, String prefix, String weight, String bias) {
        SDVariable w = param(weight);
        SDVariable g = param(prefix + ".g").reshape(-1, 1);
        SDVariable b = param(prefix + ".b").reshape(1, -1);
        SDVariable shift = b.mmul(w);
        if (bias != null) {
            shift = shift.add(param(bias));
        }
        return xhat.mmul(w.mul(g)).add(shift);
    }

    /**
     * GELU, tanh approximation 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))), written in the equal
     * form x * sigmoid(x (2 sqrt(2/pi) + 2 sqrt(2/pi) 0.044715 x^2)), which needs fewer ops.
     */
    private SDVariable gelu(SDVariable x) {
        double c = 2.0 * Math.sqrt(2.0 / Math.PI);
        SDVariable z = x.mul(x).mul(c * 0.044715).add(c).mul(x);
        return x.mul(sd.nn.sigmoid(z));
    }

    /** The placeholders {@value #IDS} and {@value #CAUSAL_MASK} for the given ids; add the others as needed. */
    public Map<String, INDArray> inputs(INDArray ids) {
        requireNonNull(ids, "ids is null");
        if (ids.rank() != 2 || ids.size(0) != batch || ids.size(1) != seqLen) {
            throw new IllegalArgumentException("ids must be [" + batch + "," + seqLen + "], got " + java.util.Arrays.toString(ids.shape()));
        }
        Map<String, INDArray> m = new HashMap<>();
        m.put(IDS, ids.dataType() == DataType.INT ? ids : ids.castTo(DataType.INT));
        m.put(CAUSAL_MASK, causalMask);
        return m;
    }

    /** Runs the graph forward and returns the requested outputs. */
    public Map<String, INDArray> output(Map<String, INDArray> placeholders, String... outputs) {
        return sd.output(placeholders, outputs);
    }

    /** Names of the parameters this graph uses (those that get gradients), in canonical order. */
    public List<String> paramNames() {
        return weights.names().stream().filter(n -> sd.hasVariable(n)).toList();
    }

    public SameDiff sameDiff() {
        return sd;
    }

    public TransformerWeights weights() {
        return weights;
    }

    public int batch() {
        return batch;
    }

    public int seqLen() {
        return seqLen;
    }

    public DataType dataType() {
        return dataType;
    }

    /** Final hidden states {@code [B*T,D]} normalised by the final layer norm but BEFORE its gain and bias. */
    public SDVariable normalizedHidden() {
        return normalized;
    }

    /** Logits {@code [B*T,V]} (null without LM head). */
    public SDVariable logits() {
        return logits;
    }

    /** Per-token log-probs of the {@value #TARGETS} placeholder, {@code [B,T]} (null without LM head). */
    public SDVariable tokenLogProbs() {
        return tokenLogp;
    }

    /** Per-token scalar head {@code [B,T]} (null without scalar head). */
    public SDVariable values() {
        return values;
    }

    /** Scalar head at the {@value #LAST_MASK} position, {@code [B]} (null without scalar head). */
    public SDVariable reward() {
        return reward;
    }
}
