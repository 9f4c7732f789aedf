package org.rlhf4j.engine.model;

import static java.util.Objects.requireNonNull;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Incremental decoding of a batch of left-padded rows with a key/value cache: {@link #prefill} runs the prompts'
 * columns, then every {@link #next} appends one column per row and returns the next-token logits.
 *
 * <p>Built for the decode step's size (a few rows, one column): the matrix products go straight to the BLAS
 * ({@code cblas_sgemm} on direct buffers, over the weight arrays' own memory), the attention over the cache
 * (kept in direct buffers) is two {@code cblas_sgemv} per row and head (scores, then context), and the rest
 * (embeddings, layer norms, biases, GELU, the attention softmax) runs as Java loops ({@link BlockOps}' row
 * kernels). So a step allocates nothing, makes no ND4J operation at all (one costs 10-50 us of fixed overhead,
 * more than the arithmetic of a decode step's element-wise work), and attends only to the columns written so
 * far. The same function as {@link Nd4jForward#lastLogits} up to float rounding ({@code KvDecoderTest}).
 *
 * <p>Lifetime: one instance per thread, created once and reused for batch after batch ({@link #reset}); buffers
 * are sized for {@code maxRows} rows of at most {@code capacity} columns. {@link #reset} re-reads the weights,
 * so updates to them (training) between batches are seen; the weights must not change during a batch. Weights
 * of another type than FLOAT are decoded in float on a copy made by {@link #reset}.
 */
public final class KvDecoder implements AutoCloseable {
    private final TransformerWeights source;
    private final TransformerConfig c;
    private final int maxRows;
    private final int capacity;
    private final int d;
    private final int heads;
    private final int dh;
    private final int f;
    private final int vocab;
    private final float eps;
    private final float scale;
    // Java-side activations of the current chunk (rows * columns of it, row-major)
    private final float[] x;
    private final float[] a;
    private final float[] hid;
    private final float[] scores;
    private final float[] biasRows;
    private final float[] logits;
    // the cache: per layer keys and values [row][head][capacity][dh]
    private final FloatBuffer[] keys;
    private final FloatBuffer[] values;
    // native staging for the BLAS
    private final FloatBuffer in;
    private final FloatBuffer out;
    private final FloatBuffer probs;
    // per batch
    private Weights wts;
    private int rows;
    private int[] padLeft = new int[0];
    private int length;
    private boolean closed;

    /** Weight views of one batch: pointers for the BLAS, Java copies of the vectors. */
    private static final class Weights {
        /**
         * The float copies of non-float weights the buffers point into: held here so that ND4J's deallocator
         * cannot free their memory while a buffer still reads it (it frees an array once nothing references it).
         */
        final java.util.List<INDArray> copies = new java.util.ArrayList<>();
        FloatBuffer tokEmb;
        FloatBuffer posEmb;
        FloatBuffer lmHead;
        FloatBuffer[] wqkv;
        FloatBuffer[] wo;
        FloatBuffer[] w1;
        FloatBuffer[] w2;
        float[][] bqkv;
        float[][] bo;
        float[][] b1;
        float[][] b2;
        float[][] ln1g;
        float[][] ln1b;
        float[][] ln2g;
        float[][] ln2b;
        float[] lnfg;
        float[] lnfb;
    }

    /** A decoder for batches of up to {@code maxRows} rows of at most {@code capacity} columns over {@code weights}. */
    public KvDecoder(TransformerWeights weights, int maxRows, int capacity) {
        this.source = requireNonNull(weights, "weights is null");
        this.c = weights.config();
        if (!weights.heads().hasLm()) {
            throw new IllegalArgumentException("decoding needs an LM head");
        }
        if (maxRows < 1 || capacity < 1) {
            throw new IllegalArgumentException("bad size: maxRows " + maxRows + ", capacity " + capacity);
        }
        this.maxRows = maxRows;
        this.capacity = capacity;
        d = c.dModel();
        heads = c.nHeads();
        dh = c.headDim();
        f = c.mlpHidden();
        vocab = c.vocabSize();
        eps = (float) c.layerNormEps();
        scale = (float) (1.0 / Math.sqrt(dh));
        int cells = maxRows * capacity;
        x = new float[cells * d];
        a = new float[cells * d];
        hid = new float[cells * Math.max(f, d)];
        scores = new float[capacity];
        biasRows = new float[cells * Math.max(f, 3 * d)];
        logits = new float[maxRows * vocab];
        keys = new FloatBuffer[c.nLayers()];
        values = new FloatBuffer[c.nLayers()];
        for (int l = 0; l < c.nLayers(); l++) {
            keys[l] = direct((long) maxRows * d * capacity);
            values[l] = direct((long) maxRows * d * capacity);
        }
        in = direct((long) cells * Math.max(f, d));
        out = direct(Math.max((long) cells * Math.max(f, 3 * d), (long) maxRows * vocab));
        probs = direct(capacity);
    }

    /** A decoder for exactly the rows of {@code padLeft}, ready for {@link #prefill}. */
    public KvDecoder(TransformerWeights weights, int capacity, int[] padLeft) {
        this(weights, requireNonNull(padLeft, "padLeft is null").length, capacity);
        reset(padLeft);
    }

    private static FloatBuffer direct(long floats) {
        if (floats > Integer.MAX_VALUE / 4) {
            throw new IllegalArgumentException("buffer too large: " + floats + " floats");
        }
        return ByteBuffer.allocateDirect((int) floats * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    /** Rows of the current batch. */
    public int batch() {
        return rows;
    }

    /** Rows a batch may have. */
    public int maxRows() {
        return maxRows;
    }

    /** Columns a batch may reach (prompt and new tokens, padding included). */
    public int capacity() {
        return capacity;
    }

    /** Columns processed in the current batch. */
    public int length() {
        return length;
    }

    /**
     * Starts a new batch of {@code padLeft.length} rows whose first {@code padLeft[b]} columns are padding (never
     * attended to; positions count from the first real token), and re-reads the weights.
     */
    public void reset(int[] padLeft) {
        requireNonNull(padLeft, "padLeft is null");
        if (closed) {
            throw new IllegalStateException("closed");
        }
        if (padLeft.length < 1 || padLeft.length > maxRows) {
            throw new IllegalArgumentException("batch of " + padLeft.length + " rows, this decoder holds 1.." + maxRows);
        }
        this.rows = padLeft.length;
        this.padLeft = padLeft.clone();
        this.length = 0;
        this.wts = readWeights();
    }

    private Weights readWeights() {
        TransformerWeights w = source;
        int layers = c.nLayers();
        Weights r = new Weights();
        r.tokEmb = matrix(w.get(ParamNames.TOK_EMB), r.copies);
        r.posEmb = matrix(w.get(ParamNames.POS_EMB), r.copies);
        r.lmHead = matrix(w.get(w.lmHeadName()), r.copies);
        r.wqkv = new FloatBuffer[layers];
        r.wo = new FloatBuffer[layers];
        r.w1 = new FloatBuffer[layers];
        r.w2 = new FloatBuffer[layers];
        r.bqkv = new float[layers][];
        r.bo = new float[layers][];
        r.b1 = new float[layers][];
        r.b2 = new float[layers][];
        r.ln1g = new float[layers][];
        r.ln1b = new float[layers][];
        r.ln2g = new float[layers][];
        r.ln2b = new float[layers][];
        for (int l = 0; l < layers; l++) {
            r.wqkv[l] = matrix(p(l, "attn.wqkv"), r.copies);
            r.wo[l] = matrix(p(l, "attn.wo"), r.copies);
            r.w1[l] = matrix(p(l, "mlp.w1"), r.copies);
            r.w2[l] = matrix(p(l, "mlp.w2"), r.copies);
            r.bqkv[l] = vector(p(l, "attn.bqkv"));
            r.bo[l] = vector(p(l, "attn.bo"));
            r.b1[l] = vector(p(l, "mlp.b1"));
            r.b2[l] = vector(p(l, "mlp.b2"));
            r.ln1g[l] = vector(p(l, "ln1.g"));
            r.ln1b[l] = vector(p(l, "ln1.b"));
            r.ln2g[l] = vector(p(l, "ln2.g"));
            r.ln2b[l] = vector(p(l, "ln2.b"));
        }
        r.lnfg = vector(w.get(ParamNames.LN_F_G));
        r.lnfb = vector(w.get(ParamNames.LN_F_B));
        return r;
    }

    private INDArray p(int layer, String suffix) {
        return source.get(ParamNames.layer(layer, suffix));
    }

    /** The weight's memory when it is a plain FLOAT array, else a float copy's (kept alive in {@code copies}). */
    private static FloatBuffer matrix(INDArray w, java.util.List<INDArray> copies) {
        if (w.dataType() == DataType.FLOAT && BlockOps.isPlain(w)) {
            return BlockOps.floats(w);
        }
        INDArray copy = w.castTo(DataType.FLOAT).dup('c');
        copies.add(copy);
        return BlockOps.floats(copy);
    }

    private static float[] vector(INDArray v) {
        return v.castTo(DataType.FLOAT).dup('c').data().asFloat();
    }

    /**
     * Runs the (left-padded, equal-length) prompts {@code ids [B][n]} of a batch started with {@link #reset} and
     * returns the logits of their last column, row-major {@code [B*V]} (a buffer overwritten by the next call).
     */
    public float[] prefill(int[][] ids) {
        requireNonNull(ids, "ids is null");
        if (wts == null) {
            throw new IllegalStateException("reset first");
        }
        if (length != 0) {
            throw new IllegalStateException("already prefilled");
        }
        if (ids.length != rows) {
            throw new IllegalArgumentException("ids has " + ids.length + " rows, the batch " + rows);
        }
        int n = ids[0].length;
        if (n < 1 || n > capacity) {
            throw new IllegalArgumentException("prompt of " + n + " columns, capacity " + capacity);
        }
        for (int i = 0; i < rows; i++) {
            if (ids[i].length != n) {
                throw new IllegalArgumentException("ragged ids: row " + i);
            }
            for (int j = 0; j < n; j++) {
                embed(i * n + j, ids[i][j], j - padLeft[i]);
            }
        }
        forward(n);
        return logits;
    }

    /**
     * Appends column {@code tokens[b]} to every row and returns the next-token logits, row-major {@code [B*V]} (a
     * buffer overwritten by the next call).
     */
    public float[] next(int[] tokens) {
        requireNonNull(tokens, "tokens is null");
        if (length == 0) {
            throw new IllegalStateException("prefill first");
        }
        if (length >= capacity) {
            throw new IllegalStateException("cache full: " + capacity);
        }
        if (tokens.length < rows) {
            throw new IllegalArgumentException("need " + rows + " tokens, got " + tokens.length);
        }
        for (int i = 0; i < rows; i++) {
            embed(i, tokens[i], length - padLeft[i]);
        }
        forward(1);
        return logits;
    }

    /** x[row] = tok_emb[token] + pos_emb[max(position, 0)] (padding columns take position 0). */
    private void embed(int row, int token, int position) {
        if (token < 0 || token >= vocab) {
            throw new IllegalArgumentException("token id out of range: " + token);
        }
        if (position >= c.maxSeqLen()) {
            throw new IllegalArgumentException("position " + position + " exceeds maxSeqLen " + c.maxSeqLen());
        }
        int at = row * d;
        wts.tokEmb.get(token * d, x, at, d);
        wts.posEmb.get(Math.max(position, 0) * d, a, 0, d);
        for (int j = 0; j < d; j++) {
            x[at + j] += a[j];
        }
    }

    /** Runs {@code n} new columns per row (embedded in {@code x}, row {@code i * n + j}) through the blocks. */
    private void forward(int n) {
        int m = rows * n;
        Weights w = wts;
        for (int l = 0; l < c.nLayers(); l++) {
            // attention: x += merge(softmax(q k^T / sqrt(dh) + mask) v) @ wo + bo
            BlockOps.layerNormRows(x, 0, m, d, w.ln1g[l], w.ln1b[l], eps, a);
            in.put(0, a, 0, m * d);
            putBiasRows(w.bqkv[l], m);
            BlockOps.gemm(m, 3 * d, d, in, d, w.wqkv[l], 3 * d, 1f, out, 3 * d); // out = qkv + bias
            appendToCache(l, n);
            attend(l, n); // context into in
            BlockOps.gemm(m, d, d, in, d, w.wo[l], d, 0f, out, d);
            out.get(0, hid, 0, m * d);
            BlockOps.addRowsWithBias(x, hid, m * d, w.bo[l], d);
            // MLP: x += gelu(LN2(x) @ w1 + b1) @ w2 + b2
            BlockOps.layerNormRows(x, 0, m, d, w.ln2g[l], w.ln2b[l], eps, a);
            in.put(0, a, 0, m * d);
            BlockOps.gemm(m, f, d, in, d, w.w1[l], f, 0f, out, f);
            out.get(0, hid, 0, m * f);
            BlockOps.biasGeluRows(hid, m * f, w.b1[l], f);
            in.put(0, hid, 0, m * f);
            BlockOps.gemm(m, d, f, in, f, w.w2[l], d, 0f, out, d);
            out.get(0, hid, 0, m * d);
            BlockOps.addRowsWithBias(x, hid, m * d, w.b2[l], d);
        }
        length += n;
        // final layer norm and logits of each row's last new column
        for (int i = 0; i < rows; i++) {
            BlockOps.layerNormRow(x, (i * n + n - 1) * d, d, w.lnfg, w.lnfb, eps, a, i * d);
        }
        in.put(0, a, 0, rows * d);
        if (c.tiedEmbeddings()) { // logits = h @ tok_emb^T
            BlockOps.gemmTransposedB(rows, vocab, d, in, d, w.lmHead, d, 0f, out, vocab);
        } else {
            BlockOps.gemm(rows, vocab, d, in, d, w.lmHead, vocab, 0f, out, vocab);
        }
        out.get(0, logits, 0, rows * vocab);
    }

    /** Writes {@code bias} into the first {@code m} rows of {@code out} (a matrix product with beta 1 then adds to it). */
    private void putBiasRows(float[] bias, int m) {
        int width = bias.length;
        for (int r = 0; r < m; r++) {
            System.arraycopy(bias, 0, biasRows, r * width, width);
        }
        out.put(0, biasRows, 0, m * width);
    }

    /** Copies the {@code n} new columns' keys and values (in {@code out}, after the queries) into the cache at columns {@code length..}. */
    private void appendToCache(int layer, int n) {
        FloatBuffer ks = keys[layer];
        FloatBuffer vs = values[layer];
        int width = 3 * d;
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < n; j++) {
                int r = (i * n + j) * width;
                int col = length + j;
                for (int h = 0; h < heads; h++) {
                    int at = ((i * heads + h) * capacity + col) * dh;
                    ks.put(at, out, r + d + h * dh, dh);
                    vs.put(at, out, r + 2 * d + h * dh, dh);
                }
            }
        }
    }

    /**
     * Causal attention of the {@code n} new columns over the cache (a row never attends to its left padding,
     * except from a padding column, whose output nobody uses), with the queries in {@code out}; the merged
     * heads' context goes to {@code in}. Per row, head and query: scores by one matrix-vector product over the
     * columns it may see, softmax in Java, context by another.
     */
    private void attend(int layer, int n) {
        FloatBuffer ks = keys[layer];
        FloatBuffer vs = values[layer];
        for (int i = 0; i < rows; i++) {
            int pad = padLeft[i];
            for (int j = 0; j < n; j++) {
                int col = length + j;
                int lo = col >= pad ? pad : 0;
                int len = col - lo + 1;
                int r = i * n + j;
                for (int h = 0; h < heads; h++) {
                    int block = (i * heads + h) * capacity;
                    ks.position((block + lo) * dh);
                    out.position(r * 3 * d + h * dh);
                    BlockOps.gemv(false, len, dh, scale, ks, out, probs); // scores = K q / sqrt(dh)
                    probs.get(0, scores, 0, len);
                    BlockOps.softmaxInPlace(scores, len);
                    probs.put(0, scores, 0, len);
                    vs.position((block + lo) * dh);
                    in.position(r * d + h * dh);
                    BlockOps.gemv(true, len, dh, 1f, vs, probs, in); // context = V^T p
                }
            }
        }
        ks.position(0);
        vs.position(0);
        out.position(0);
        in.position(0);
    }

    /** Drops the weights of the last batch (the buffers go with the instance). Idempotent. */
    @Override
    public void close() {
        closed = true;
        wts = null;
    }
}
