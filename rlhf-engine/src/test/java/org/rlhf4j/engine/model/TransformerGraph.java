package org.rlhf4j.engine.model;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.rlhf4j.engine.optim.GradientComputer;

/**
 * The transformer of docs/model.md as a SameDiff graph for one fixed batch size and sequence length.
 *
 * <p>Every parameter is registered with {@code sd.var(name, array)} on the SAME array object held by
 * {@link TransformerWeights}, so graphs of different shapes built from one weights object share (and
 * update) the same parameters. The graph avoids these SameDiff
 * M2.1 bugs: no {@code sd.gather} and no one-hot embedding matmul (the lookup happens OUTSIDE the
 * graph: the graph input {@value #X0} = tok_emb[ids] + pos_emb[positions] is written by
 * {@link #inputs(int[][])}, and the embedding gradients are scattered by hand from the gradient of
 * {@value #X0}), hand-written causal attention with a
 * {@code [T,T]} additive mask placeholder, fused q/k/v matmul, log-softmax times one-hot (no sparse
 * cross-entropy), {@code logSoftmax} without a dimension, and layer norm / tanh-GELU written out
 * (the built-in layer_norm has no epsilon and the built-in gelu is the sigmoid approximation).
 *
 * <p>The residual stream is kept 2-D, {@code [B*T, D]}; rows are batch-major.
 *
 * <h2>Placeholders</h2>
 * <ul>
 *   <li>{@value #CAUSAL_MASK}: {@code [T,T]} additive mask, see {@link CausalMask#of(int, DataType)}</li>
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
    public static final String X0 = "x0";
    public static final String CAUSAL_MASK = "causal_mask";
    public static final String TARGETS = "targets";
    public static final String LAST_MASK = "last_mask";
    public static final String LOSS_MASK = "loss_mask";
    public static final String LOGITS = "logits";
    public static final String TOKEN_LOGP = "token_logp";
    public static final String VALUES = "values";
    public static final String REWARD = "reward";
    public static final String LM_LOSS = "lm_loss";


    private final SameDiff sd;
    private final TransformerWeights weights;
    private final int batch;
    private final int seqLen;
    private final DataType dataType;
    private final INDArray causalMask;
    private final INDArray x0Buffer;
    private final SDVariable normalized;
    private SDVariable finalHidden;
    private final Map<String, GradientComputer> gradientComputers = new HashMap<>();
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
        this.causalMask = CausalMask.of(seqLen, dataType);
        this.x0Buffer = Nd4j.zeros(dataType, (long) batch * seqLen, weights.config().dModel());
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

    private SDVariable buildBackbone(TransformerConfig c) {
        int n = batch * seqLen;
        int d = c.dModel();
        int h = c.nHeads();
        int dh = c.headDim();
        // x0 is a VARIABLE whose array inputs() overwrites, not a placeholder: SameDiff M2.1 returns a
        // wrong (partially accumulated) gradient for a placeholder with several consumers, and none at
        // all for one with a single consumer (both caught by GradientCheckTest).
        SDVariable x = sd.var(X0, x0Buffer);
        SDVariable mask = sd.placeHolder(CAUSAL_MASK, dataType, seqLen, seqLen);
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
        logits = sd.identity(LOGITS, finalHidden().mmul(param(ParamNames.LM_HEAD)));
        SDVariable logp = sd.nn.logSoftmax(logits);
        SDVariable targets = sd.placeHolder(TARGETS, DataType.INT, batch, seqLen);
        SDVariable targetOneHot = sd.oneHot("targets_onehot", targets.reshape(n), c.vocabSize(), -1, 1.0, 0.0, dataType);
        tokenLogp = sd.identity(TOKEN_LOGP, logp.mul(targetOneHot).sum(1).reshape(batch, seqLen));
    }

    private void buildScalarHead() {
        SDVariable v = finalHidden().mmul(param(ParamNames.HEAD_W)).add(param(ParamNames.HEAD_B));
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

    /**
     * The final layer norm's output {@code [B*T,D]}. Its gain and bias are applied to the activation here
     * (not folded into the head's matrix) because the LM head is wide: a broadcast add on {@code [B*T,V]}
     * would cost more than two on {@code [B*T,D]}.
     */
    private SDVariable finalHidden() {
        if (finalHidden == null) {
            finalHidden = normalized.mul(param(ParamNames.LN_F_G)).add(param(ParamNames.LN_F_B));
        }
        return finalHidden;
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

    /**
     * Prepares a run on {@code ids [B][T]}: looks the embeddings up with ND4J row pulls and writes them
     * into the graph's {@value #X0} input array, and returns the placeholder map with
     * {@value #CAUSAL_MASK}; add the others ({@value #TARGETS}, ...) as needed. The graph holds ONE input
     * array: call this again before every run (a later call replaces the previous ids).
     */
    public Map<String, INDArray> inputs(int[][] ids) {
        requireNonNull(ids, "ids is null");
        int[] tok = flatIds(ids);
        int[] pos = new int[tok.length];
        for (int r = 0; r < pos.length; r++) {
            pos[r] = r % seqLen;
        }
        INDArray x0 = Nd4j.pullRows(weights.get(ParamNames.TOK_EMB), 1, tok);
        x0Buffer.assign(x0.addi(Nd4j.pullRows(weights.get(ParamNames.POS_EMB), 1, pos)));
        Map<String, INDArray> m = new HashMap<>();
        m.put(CAUSAL_MASK, causalMask);
        return m;
    }

    /** {@link #inputs(int[][])} for an integer {@code [B,T]} array. */
    public Map<String, INDArray> inputs(INDArray ids) {
        return inputs(ids.toIntMatrix());
    }

    /**
     * Loss {@code lossName} and its gradients w.r.t. EVERY parameter this graph uses, including
     * {@code tok_emb} and {@code pos_emb} (scattered from the gradient of {@value #X0}), in one forward +
     * backward pass. {@code placeholders} must come from {@link #inputs(int[][])} with the same ids.
     * Returned arrays may be reused by the next call.
     */
    public GradientComputer.Result lossAndGradients(String lossName, int[][] ids, Map<String, INDArray> placeholders, String... extraOutputs) {
        GradientComputer gc = gradientComputers.computeIfAbsent(lossName, k -> {
            List<String> vars = new ArrayList<>(graphParamNames());
            vars.add(X0);
            return new GradientComputer(sd, k, vars);
        });
        GradientComputer.Result r = gc.compute(placeholders, extraOutputs);
        Map<String, INDArray> grads = new LinkedHashMap<>();
        INDArray dx0 = r.gradients().get(X0);
        int[] tok = flatIds(ids);
        int[] pos = new int[tok.length];
        for (int i = 0; i < pos.length; i++) {
            pos[i] = i % seqLen;
        }
        grads.put(ParamNames.TOK_EMB, EmbeddingGradients.scatterAdd(dx0, tok, weights.config().vocabSize()));
        grads.put(ParamNames.POS_EMB, EmbeddingGradients.scatterAdd(dx0, pos, weights.config().maxSeqLen()));
        r.gradients().forEach((k, v) -> {
            if (!k.equals(X0)) {
                grads.put(k, v);
            }
        });
        return new GradientComputer.Result(r.loss(), grads, r.outputs());
    }

    private int[] flatIds(int[][] ids) {
        if (ids.length != batch) {
            throw new IllegalArgumentException("ids must have " + batch + " rows, got " + ids.length);
        }
        int v = weights.config().vocabSize();
        int[] tok = new int[batch * seqLen];
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
        return tok;
    }

    /** Runs the graph forward and returns the requested outputs. */
    public Map<String, INDArray> output(Map<String, INDArray> placeholders, String... outputs) {
        return sd.output(placeholders, outputs);
    }

    /** Names of every parameter this graph depends on (those {@link #lossAndGradients} returns), in canonical order. */
    public List<String> paramNames() {
        return weights.names().stream().filter(n -> n.equals(ParamNames.TOK_EMB) || n.equals(ParamNames.POS_EMB) || sd.hasVariable(n)).toList();
    }

    /** Names of the parameters registered as SameDiff variables (all but the embeddings). */
    private List<String> graphParamNames() {
        return weights.names().stream().filter(sd::hasVariable).toList();
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

    /** Final hidden states {@code [B*T,D]} (after the final layer norm, with its gain and bias). */
    public SDVariable hidden() {
        return finalHidden();
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
