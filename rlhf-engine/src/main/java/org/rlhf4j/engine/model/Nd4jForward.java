package org.rlhf4j.engine.model;

import static java.util.Objects.requireNonNull;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.custom.LogSoftMax;
import org.nd4j.linalg.api.ops.impl.transforms.custom.SoftMax;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Forward-only evaluation of the transformer with plain ND4J array operations over the same weight
 * arrays as the SameDiff graph (no graph session): logits, per-token log-probs, entropy, scalar heads,
 * and incremental decoding with a {@link KvCache}. Numerically the same function as
 * {@link TransformerGraph} (tested to ~1e-4 in float).
 *
 * <p>Token ids are {@code [B,T]} INDArrays of any integer or float type, or {@code int[][]}.
 * {@link #tokenLogProbs} runs on buffered {@link Nd4jBackprop} passes kept for the last batch shape (so it is
 * fast when called repeatedly with one shape, and an instance must not be shared between threads), with the
 * rows cut into {@code workers} shards that run concurrently on daemon threads (idle ones retire after a
 * minute). Results are the same for any worker count up to float rounding.
 *
 * <p><b>Lifetime.</b> An instance owns those buffers and threads: create one per run (or per model) and reuse
 * it, and {@link #close} it when done (idle threads also retire on their own, but buffers and threads are not
 * meant to be created per call).
 */
public final class Nd4jForward implements AutoCloseable {
    private static final double NEG_INF = -1e9;

    private final TransformerWeights w;
    private final TransformerConfig c;
    private final int workers;
    private ShardedScorer scorer;

    /** Forward passes over {@code weights}; batched log-prob scoring uses {@link EngineThreads#trainWorkers()} workers. */
    public Nd4jForward(TransformerWeights weights) {
        this(weights, EngineThreads.trainWorkers());
    }

    /** Forward passes over {@code weights}; batched log-prob scoring cuts each batch into {@code workers} concurrent shards. */
    public Nd4jForward(TransformerWeights weights, int workers) {
        this.w = requireNonNull(weights, "weights is null");
        this.c = weights.config();
        if (workers < 1) {
            throw new IllegalArgumentException("workers must be positive: " + workers);
        }
        this.workers = workers;
    }

    public TransformerWeights weights() {
        return w;
    }

    /** Final-layer-norm hidden states {@code [B*T, D]} (rows batch-major) for right-padded or unpadded ids. */
    public INDArray hidden(int[][] ids) {
        int b = ids.length;
        return forward(ids, 0, new int[b], null);
    }

    /** Logits {@code [B,T,V]}. */
    public INDArray logits(int[][] ids) {
        int b = ids.length;
        int t = ids[0].length;
        return headLogits(hidden(ids)).reshape(b, t, c.vocabSize());
    }

    /** Log-softmax over the vocabulary, {@code [B*T, V]}. */
    public INDArray logProbs(int[][] ids) {
        INDArray logits = headLogits(hidden(ids));
        return Nd4j.exec(new LogSoftMax(logits, logits))[0];
    }

    /**
     * Log-prob of {@code targets[b][t]} at every position given {@code ids[b][0..t]}, {@code [B,T]}:
     * the same quantity as the graph output {@link TransformerGraph#TOKEN_LOGP}.
     */
    public float[][] tokenLogProbs(int[][] ids, int[][] targets) {
        requireNonNull(ids, "ids is null");
        requireNonNull(targets, "targets is null");
        if (ids.length > 0 && ids[0].length <= c.maxSeqLen() && w.heads().hasLm()) {
            // buffered passes of Nd4jBackprop (no per-op allocation), in concurrent row shards, kept for the last shape seen
            if (scorer == null || scorer.batch() != ids.length || scorer.seqLen() != ids[0].length) {
                if (scorer != null) {
                    scorer.close();
                }
                scorer = new ShardedScorer(w, ids.length, ids[0].length, workers);
            }
            return scorer.tokenLogProbs(ids, targets);
        }
        return tokenLogProbsUnbuffered(ids, targets);
    }

    private float[][] tokenLogProbsUnbuffered(int[][] ids, int[][] targets) {
        INDArray logp = logProbs(ids);
        int b = ids.length;
        int t = ids[0].length;
        int v = c.vocabSize();
        float[] flat = logp.dataType() == DataType.FLOAT ? logp.data().asFloat() : toFloat(logp.data().asDouble());
        float[][] out = new float[b][t];
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < t; j++) {
                out[i][j] = flat[(i * t + j) * v + targets[i][j]];
            }
        }
        return out;
    }

    /**
     * Log-probs of each sequence's own next tokens, masked: {@code out[b][t] = mask[b][t+1] * log p(seq[b][t+1] | seq[b][0..t])}
     * for {@code t < T-1} (e.g. a response mask that is 1 on response tokens and 0 on prompt and padding).
     */
    public float[][] sequenceLogProbs(int[][] sequences, float[][] mask) {
        int b = sequences.length;
        int t = sequences[0].length;
        int[][] ids = new int[b][t - 1];
        int[][] targets = new int[b][t - 1];
        for (int i = 0; i < b; i++) {
            System.arraycopy(sequences[i], 0, ids[i], 0, t - 1);
            System.arraycopy(sequences[i], 1, targets[i], 0, t - 1);
        }
        float[][] lp = tokenLogProbs(ids, targets);
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < t - 1; j++) {
                lp[i][j] *= mask[i][j + 1];
            }
        }
        return lp;
    }

    /** Entropy of the next-token distribution at every position, {@code [B,T]}. */
    public INDArray entropy(int[][] ids) {
        INDArray logp = logProbs(ids);
        INDArray p = Transforms.exp(logp, true);
        return p.muli(logp).sum(1).negi().reshape(ids.length, ids[0].length);
    }

    /** Per-token scalar head {@code [B,T]}. */
    public INDArray values(int[][] ids) {
        INDArray v = hidden(ids).mmul(w.get(ParamNames.HEAD_W)).addi(w.get(ParamNames.HEAD_B).getDouble(0));
        return v.reshape(ids.length, ids[0].length);
    }

    /** Scalar head at column {@code lastIndex[b]} of each row (the last real token), {@code [B]}. */
    public float[] lastTokenScalar(int[][] ids, int[] lastIndex) {
        INDArray v = values(ids);
        float[] out = new float[ids.length];
        for (int i = 0; i < ids.length; i++) {
            out[i] = v.getFloat(i, lastIndex[i]);
        }
        return out;
    }

    /** Creates an empty key/value cache for left-padded rows. */
    public KvCache newCache(int batch, int capacity, int[] padLeft) {
        return new KvCache(c, batch, capacity, padLeft, w.dataType());
    }

    /**
     * Runs {@code ids} ({@code [B,n]}, the next {@code n} columns) through the model, appending their
     * keys/values to {@code cache}, and returns the logits of the LAST of these columns, {@code [B,V]}.
     */
    public INDArray step(int[][] ids, KvCache cache) {
        requireNonNull(cache, "cache is null");
        int b = ids.length;
        int n = ids[0].length;
        INDArray h = forward(ids, cache.length(), cache.padLeft(), cache);
        INDArray last = h.reshape(b, n, c.dModel()).get(NDArrayIndex.all(), NDArrayIndex.point(n - 1), NDArrayIndex.all());
        return headLogits(last);
    }

    /**
     * Logits {@code [B,V]} of the last column of left-padded {@code ids}, recomputing the whole prefix
     * (the no-cache path).
     */
    public INDArray lastLogits(int[][] ids, int[] padLeft) {
        int b = ids.length;
        int n = ids[0].length;
        INDArray h = forward(ids, 0, padLeft, null);
        INDArray last = h.reshape(b, n, c.dModel()).get(NDArrayIndex.all(), NDArrayIndex.point(n - 1), NDArrayIndex.all());
        return headLogits(last);
    }

    /**
     * Core forward pass over columns {@code start..start+n-1}. With a cache, keys/values of earlier
     * columns come from it and the new ones are appended; without, {@code start} must be 0.
     */
    private INDArray forward(int[][] ids, int start, int[] padLeft, KvCache cache) {
        int b = ids.length;
        int n = ids[0].length;
        int rows = b * n;
        int d = c.dModel();
        int heads = c.nHeads();
        int dh = c.headDim();
        int total = start + n;
        if (cache == null && start != 0) {
            throw new IllegalArgumentException("start must be 0 without a cache");
        }
        int[] tok = new int[rows];
        int[] pos = new int[rows];
        for (int i = 0; i < b; i++) {
            if (ids[i].length != n) {
                throw new IllegalArgumentException("ragged ids: row " + i);
            }
            for (int j = 0; j < n; j++) {
                int id = ids[i][j];
                if (id < 0 || id >= c.vocabSize()) {
                    throw new IllegalArgumentException("token id out of range: " + id);
                }
                tok[i * n + j] = id;
                int p = start + j - padLeft[i];
                if (p >= c.maxSeqLen()) {
                    throw new IllegalArgumentException("position " + p + " exceeds maxSeqLen " + c.maxSeqLen());
                }
                pos[i * n + j] = Math.max(p, 0);
            }
        }
        INDArray x = Nd4j.pullRows(w.get(ParamNames.TOK_EMB), 1, tok);
        x.addi(Nd4j.pullRows(w.get(ParamNames.POS_EMB), 1, pos));
        INDArray mask = attentionMask(b, heads, n, start, padLeft, x.dataType());
        double scale = 1.0 / Math.sqrt(dh);
        BlockOps ops = new BlockOps(x.dataType(), rows, d, c.layerNormEps());
        for (int layer = 0; layer < c.nLayers(); layer++) {
            INDArray a = layerNorm(ops, x, ParamNames.layer(layer, "ln1"));
            INDArray qkv = a.mmul(w.get(ParamNames.layer(layer, "attn.wqkv")));
            ops.addBias(qkv, w.get(ParamNames.layer(layer, "attn.bqkv")), 1.0);
            INDArray split = qkv.reshape(b, n, 3, heads, dh).permute(2, 0, 3, 1, 4).dup('c'); // [3,B,H,n,dh]
            INDArray q = split.get(NDArrayIndex.point(0)).muli(scale);
            INDArray k = split.get(NDArrayIndex.point(1));
            INDArray v = split.get(NDArrayIndex.point(2));
            if (cache != null) {
                cache.keys(layer).get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(start, total), NDArrayIndex.all()).assign(k);
                cache.values(layer).get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(start, total), NDArrayIndex.all()).assign(v);
                k = cache.keys(layer).get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(0, total), NDArrayIndex.all()).dup('c');
                v = cache.values(layer).get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(0, total), NDArrayIndex.all()).dup('c');
            } else {
                q = q.dup('c');
                k = k.dup('c');
                v = v.dup('c');
            }
            INDArray scores = Nd4j.matmul(q, k, false, true, false).addi(mask); // [B,H,n,total]
            INDArray att = Nd4j.exec(new SoftMax(scores, scores, -1))[0];
            INDArray ctx = Nd4j.matmul(att, v).permute(0, 2, 1, 3).dup('c').reshape(rows, d);
            Nd4j.gemm(ctx, w.get(ParamNames.layer(layer, "attn.wo")), x, false, false, 1.0, 1.0);
            ops.addBias(x, w.get(ParamNames.layer(layer, "attn.bo")), 1.0);
            INDArray m = layerNorm(ops, x, ParamNames.layer(layer, "ln2"));
            INDArray u = m.mmul(w.get(ParamNames.layer(layer, "mlp.w1")));
            ops.addBias(u, w.get(ParamNames.layer(layer, "mlp.b1")), 1.0);
            INDArray hid = u.ulike();
            BlockOps.gelu(u, u.ulike(), hid);
            Nd4j.gemm(hid, w.get(ParamNames.layer(layer, "mlp.w2")), x, false, false, 1.0, 1.0);
            ops.addBias(x, w.get(ParamNames.layer(layer, "mlp.b2")), 1.0);
        }
        if (cache != null) {
            cache.advance(n);
        }
        return layerNorm(ops, x, "ln_f");
    }

    /** Additive mask {@code [B,H,n,start+n]}: causal, and no attention to a row's left padding. */
    private static INDArray attentionMask(int b, int heads, int n, int start, int[] padLeft, DataType dataType) {
        int total = start + n;
        float[] m = new float[b * heads * n * total];
        int idx = 0;
        for (int i = 0; i < b; i++) {
            for (int h = 0; h < heads; h++) {
                for (int q = 0; q < n; q++) {
                    int qCol = start + q;
                    for (int k = 0; k < total; k++) {
                        boolean allowed = k <= qCol && (k >= padLeft[i] || qCol < padLeft[i]);
                        m[idx++] = allowed ? 0f : (float) NEG_INF;
                    }
                }
            }
        }
        return Nd4j.create(m, new long[] {b, heads, n, total}, 'c').castTo(dataType);
    }

    /** The layer norm {@code prefix} of {@code x} into a fresh array (this pass allocates per call). */
    private INDArray layerNorm(BlockOps ops, INDArray x, String prefix) {
        INDArray out = x.ulike();
        ops.layerNorm(x, x.ulike(), Nd4j.create(x.dataType(), x.size(0), 1), w.get(prefix + ".g"), w.get(prefix + ".b"), out);
        return out;
    }

    /** {@code h @ lm_head}, or {@code h @ tok_emb^T} with tied embeddings. */
    private INDArray headLogits(INDArray h) {
        return c.tiedEmbeddings() ? h.mmul(w.get(ParamNames.TOK_EMB).transpose()) : h.mmul(w.get(ParamNames.LM_HEAD));
    }

    /** Stops the scoring threads and drops the scoring buffers (idempotent; the instance stays usable, rebuilding them). */
    @Override
    public void close() {
        if (scorer != null) {
            scorer.close();
            scorer = null;
        }
    }

    private static float[] toFloat(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }
}
