package org.rlhf4j.engine.model;

import static java.util.Objects.requireNonNull;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasRowMajor;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_sgemm;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_sgemv;

import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The transformer block's operations, written once for every pass of the engine: layer norm forward and
 * backward, the tanh GELU forward and backward, bias adds, and the attention pieces.
 *
 * <p>Two forms of each, for two regimes:
 * <ul>
 *   <li><b>Buffered ND4J operations</b> (instance methods) over {@code [rows, D]} arrays, for many rows at once
 *   ({@link Nd4jBackprop}, {@link Nd4jForward}): scratch arrays and the ones-vectors that turn row means,
 *   column sums and bias adds into matrix products (several times faster than ND4J's reductions and
 *   broadcasts here) are allocated once per instance. Not thread-safe; one instance per pass.</li>
 *   <li><b>Java loops over {@code float[]} rows</b> (static methods), for a few rows at a time ({@link KvDecoder}):
 *   one ND4J operation costs 10-50 us of fixed overhead whatever its size, more than the arithmetic of a
 *   decode step's element-wise work, which Java does in a few microseconds without leaving the heap.</li>
 * </ul>
 * Batched attention products go straight to the BLAS ({@link #batchedGemm}): ND4J's batched matmul costs about
 * twice a loop of {@code cblas_sgemm} calls at these sizes.
 */
final class BlockOps {
    /** 2 sqrt(2/pi): gelu(u) = u * sigmoid(GELU_C (u + GELU_K u^3)) equals the tanh form 0.5 u (1 + tanh(...)). */
    static final double GELU_C = 2.0 * Math.sqrt(2.0 / Math.PI);
    static final double GELU_K = 0.044715;

    private final int rows;
    private final int d;
    private final double eps;
    private final INDArray onesN;
    private final INDArray onesRowN;
    private final INDArray onesD;
    private final INDArray onesRowD;
    private final INDArray colA;
    private final INDArray colB;
    private final INDArray ndB;
    private final INDArray ndC;
    /** FLOAT activations: a bias is written into every row by a Java copy (see {@link #addBias}). */
    private final boolean javaRows;

    /** Buffers for {@code [rows, d]} activations of type {@code dataType}. */
    BlockOps(DataType dataType, int rows, int d, double layerNormEps) {
        this.rows = rows;
        this.d = d;
        this.eps = layerNormEps;
        onesN = Nd4j.ones(dataType, rows, 1);
        onesRowN = Nd4j.ones(dataType, 1, rows);
        onesD = Nd4j.ones(dataType, d, 1);
        onesRowD = Nd4j.ones(dataType, 1, d);
        colA = Nd4j.create(dataType, rows, 1);
        colB = Nd4j.create(dataType, rows, 1);
        ndB = Nd4j.create(dataType, rows, d);
        ndC = Nd4j.create(dataType, rows, d);
        javaRows = dataType == DataType.FLOAT;
    }

    int rows() {
        return rows;
    }

    // ---------------------------------------------------------------- buffered ND4J operations

    /** out = xhat * g + b with xhat = (x - mean) * rstd, rstd = 1 / sqrt(var + eps) per row; keeps xhat and rstd. */
    void layerNorm(INDArray in, INDArray xhat, INDArray rstd, INDArray gain, INDArray bias, INDArray out) {
        // (broadcasts are written out-of-place: in-place column broadcasts are 3x slower in ND4J)
        rowMean(in, colA);
        in.sub(colA, ndC); // centred
        ndC.mul(ndC, xhat);
        rowMean(xhat, rstd);
        rstd.addi(eps);
        Transforms.pow(rstd, -0.5, false);
        ndC.mul(rstd, xhat);
        xhat.mul(gain.reshape(1, d), out);
        addBias(out, bias, 1.0);
    }

    /**
     * Layer-norm backward for an upstream gradient {@code da} at its output: writes dgain and dbias and
     * ADDS dx = rstd * (da*g - mean(da*g) - xhat * mean(da*g*xhat)) to {@code dX}. Clobbers {@code da}.
     */
    void layerNormBackward(INDArray da, INDArray xhat, INDArray rstd, INDArray gain, INDArray dGain, INDArray dBias, INDArray dX) {
        colSum(da, dBias);
        da.mul(xhat, ndB);
        colSum(ndB, dGain);
        da.mul(gain.reshape(1, d), ndC); // dxhat
        rowMean(ndC, colA);
        ndC.mul(xhat, ndB);
        rowMean(ndB, colB);
        xhat.mul(colB, ndB);
        ndC.subi(ndB);
        Nd4j.gemm(colA, onesRowD, ndC, false, false, -1.0, 1.0); // ndC -= mean(dxhat), a rank-1 update
        ndC.mul(rstd, ndB);
        dX.addi(ndB);
    }

    /**
     * {@code out = beta * out + ones[rows,1] @ bias[1,cols]}: adds (beta 1) or writes (beta 0) the bias in every
     * row as a rank-1 matrix product, several times faster than a broadcast row-vector add here; for FLOAT arrays the
     * write (beta 0) is a Java copy of the bias into every row (3-4x less than the product).
     */
    void addBias(INDArray out, INDArray bias, double beta) {
        if (javaRows && beta == 0.0 && out.rank() == 2 && out.size(0) == rows && allPlainFloat(out, bias)) {
            writeBiasJava(out, bias); // (adding stays a product: a Java read-modify-write pass measured 2x slower)
            return;
        }
        Nd4j.gemm(onesN, bias.reshape(1, bias.length()), out, false, false, 1.0, beta);
    }

    /** out {@code [rows,1]} = mean over the columns of {@code a [rows,D]} (a matrix-vector product: faster than a reduction). */
    void rowMean(INDArray a, INDArray out) {
        Nd4j.gemm(a, onesD, out, false, false, 1.0 / d, 0.0);
    }

    /** out {@code [cols]} = column sums of {@code a [rows,cols]} (as ones[1,rows] @ a). */
    void colSum(INDArray a, INDArray out) {
        Nd4j.gemm(onesRowN, a, out.reshape(1, out.length()), false, false, 1.0, 0.0);
    }

    /** {@code out[r] = bias} for every row: the bias copied into one chunk of rows, the chunk copied down the array (exact). */
    private void writeBiasJava(INDArray out, INDArray bias) {
        int cols = (int) out.size(1);
        FloatBuffer fo = floats(out);
        float[] b = new float[cols];
        floats(bias).get(0, b, 0, cols);
        int perChunk = Math.max(1, Math.min(rows, CHUNK / cols));
        float[] o = new float[cols * perChunk];
        for (int r = 0; r < perChunk; r++) {
            System.arraycopy(b, 0, o, r * cols, cols);
        }
        for (int r0 = 0; r0 < rows; r0 += perChunk) {
            int nr = Math.min(perChunk, rows - r0);
            fo.put(r0 * cols, o, 0, nr * cols);
        }
    }

    /** Floats per chunk of the Java element-wise loops over native arrays (fits the L2 cache with room to spare). */
    private static final int CHUNK = 4096;

    /**
     * As {@link #gelu}: for plain FLOAT arrays as one Java pass in chunks ({@link #tanh}, which the JIT vectorises:
     * about 5x less than ND4J's six operations with its scalar sigmoid), else with ND4J operations.
     */
    static void geluFast(INDArray u, INDArray s, INDArray hg) {
        if (!allPlainFloat(u, s, hg)) {
            gelu(u, s, hg);
            return;
        }
        FloatBuffer fu = floats(u);
        FloatBuffer fs = floats(s);
        FloatBuffer fh = floats(hg);
        float[] cu = new float[CHUNK];
        float[] cs = new float[CHUNK];
        float c = (float) Math.sqrt(2.0 / Math.PI);
        float ck = (float) (Math.sqrt(2.0 / Math.PI) * GELU_K);
        int n = (int) u.length();
        for (int off = 0; off < n; off += CHUNK) {
            int len = Math.min(CHUNK, n - off);
            fu.get(off, cu, 0, len);
            for (int i = 0; i < len; i++) {
                float x = cu[i];
                float sig = 0.5f * (1f + tanh(x * (c + ck * x * x))); // sigmoid(2y) = (1 + tanh(y)) / 2
                cs[i] = sig;
                cu[i] = x * sig;
            }
            fs.put(off, cs, 0, len);
            fh.put(off, cu, 0, len);
        }
    }

    /** As {@link #geluBackward}: one Java pass for plain FLOAT arrays (scratch arrays untouched then). */
    static void geluBackwardFast(INDArray u, INDArray s, INDArray dOut, INDArray scratch, INDArray scratch2) {
        if (!allPlainFloat(u, s, dOut)) {
            geluBackward(u, s, dOut, scratch, scratch2);
            return;
        }
        FloatBuffer fu = floats(u);
        FloatBuffer fs = floats(s);
        FloatBuffer fd = floats(dOut);
        float[] cu = new float[CHUNK];
        float[] cs = new float[CHUNK];
        float[] cd = new float[CHUNK];
        float c = (float) GELU_C;
        float c3k = (float) (3 * GELU_C * GELU_K);
        int n = (int) u.length();
        for (int off = 0; off < n; off += CHUNK) {
            int len = Math.min(CHUNK, n - off);
            fu.get(off, cu, 0, len);
            fs.get(off, cs, 0, len);
            fd.get(off, cd, 0, len);
            for (int i = 0; i < len; i++) {
                float x = cu[i];
                float sig = cs[i];
                cd[i] *= sig + x * sig * (1f - sig) * (c + c3k * x * x);
            }
            fd.put(off, cd, 0, len);
        }
    }

    private static boolean allPlainFloat(INDArray... arrays) {
        for (INDArray a : arrays) {
            if (a.dataType() != DataType.FLOAT || !isPlain(a)) {
                return false;
            }
        }
        return true;
    }

    /** hg = u * s with s = sigmoid(u * (C + C K u^2)), the tanh-approximation GELU; keeps s. */
    static void gelu(INDArray u, INDArray s, INDArray hg) {
        u.mul(u, s).muli(GELU_C * GELU_K).addi(GELU_C).muli(u);
        Transforms.sigmoid(s, false);
        u.mul(s, hg);
    }

    /** dOut *= gelu'(u) = s + u s (1 - s) (C + 3 C K u^2), with s from {@link #gelu}; clobbers both scratch arrays. */
    static void geluBackward(INDArray u, INDArray s, INDArray dOut, INDArray scratch, INDArray scratch2) {
        u.mul(u, scratch2).muli(3 * GELU_C * GELU_K).addi(GELU_C).muli(u).muli(s); // t = u s (C + 3CK u^2)
        scratch2.mul(s, scratch);
        scratch2.subi(scratch).addi(s);
        dOut.muli(scratch2);
    }

    // ---------------------------------------------------------------- attention pieces on the BLAS

    /**
     * {@code c[i] = op(a[i]) @ op(b[i])} for every {@code i} of the leading dimension of rank-3 arrays ({@code op} a
     * transpose where asked), as a loop of {@code cblas_sgemm} calls. FLOAT arrays, each one c-ordered and
     * contiguous (views of a contiguous block are fine).
     */
    static void batchedGemm(INDArray a, boolean transA, INDArray b, boolean transB, INDArray c) {
        int n = (int) c.size(0);
        int m = (int) c.size(1);
        int cols = (int) c.size(2);
        int k = (int) (transA ? a.size(1) : a.size(2));
        int lda = (int) a.size(2);
        int ldb = (int) b.size(2);
        FloatBuffer fa = floats(a);
        FloatBuffer fb = floats(b);
        FloatBuffer fc = floats(c);
        int sa = (int) (a.size(1) * a.size(2));
        int sb = (int) (b.size(1) * b.size(2));
        int sc = m * cols;
        int ta = transA ? CblasTrans : CblasNoTrans;
        int tb = transB ? CblasTrans : CblasNoTrans;
        for (int i = 0; i < n; i++) {
            fa.position(i * sa);
            fb.position(i * sb);
            fc.position(i * sc);
            cblas_sgemm(CblasRowMajor, ta, tb, m, cols, k, 1f, fa, lda, fb, ldb, 0f, fc, cols);
        }
    }

    /**
     * A direct buffer over the floats of {@code a}, index 0 at its first element (shares the memory). {@code a} must be
     * FLOAT, c-ordered and contiguous.
     */
    /**
     * {@code out[at[i]] = rows[i]} for {@code i < count} and zero in every other row of {@code out [N,D]}; {@code rows}
     * is a c-ordered {@code [>=count, D]} array (or a view of the first rows of one).
     */
    static void scatterRows(INDArray rows, int[] at, int count, INDArray out) {
        int d = (int) out.size(1);
        long n = out.length();
        if (out.dataType() == DataType.FLOAT && !out.isView() && isPlain(out) && out.offset() == 0 && rows.offset() == 0
                && isPlain(rows)) {
            float[] src = rows.data().asFloat();
            float[] dst = new float[Math.toIntExact(n)];
            for (int i = 0; i < count; i++) {
                System.arraycopy(src, i * d, dst, at[i] * d, d);
            }
            out.data().setData(dst);
            return;
        }
        double[] src = rows.dup('c').data().asDouble();
        double[] dst = new double[Math.toIntExact(n)];
        for (int i = 0; i < count; i++) {
            System.arraycopy(src, i * d, dst, at[i] * d, d);
        }
        out.assign(Nd4j.create(dst, out.shape(), out.dataType()));
    }

    static FloatBuffer floats(INDArray a) {
        requireNonNull(a, "a is null");
        if (a.dataType() != DataType.FLOAT || !isPlain(a)) {
            throw new IllegalArgumentException("need a contiguous c-ordered FLOAT array, got " + a.dataType() + " " + a.shapeInfoToString());
        }
        return a.data().asNioFloat().slice(); // asNioFloat is positioned at the array's offset
    }

    /** Whether {@code a} is c-ordered and contiguous (its elements in order, without gaps). */
    static boolean isPlain(INDArray a) {
        long[] shape = a.shape();
        long[] stride = a.stride();
        long expected = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            if (shape[i] != 1 && stride[i] != expected) {
                return false; // (the stride of a dimension of size 1 does not matter)
            }
            expected *= shape[i];
        }
        return true;
    }

    /** {@code c[m,n] = beta c + a[m,k] @ b[k,n]}, row-major buffers from index 0 with the given leading dimensions. */
    static void gemm(int m, int n, int k, FloatBuffer a, int lda, FloatBuffer b, int ldb, float beta, FloatBuffer c, int ldc) {
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, n, k, 1f, a, lda, b, ldb, beta, c, ldc);
    }

    /** {@code c = a @ b^T + beta * c} for row-major {@code a [m,k]} and {@code b [n,k]} (e.g. a tied LM head, {@code tok_emb}). */
    static void gemmTransposedB(int m, int n, int k, FloatBuffer a, int lda, FloatBuffer b, int ldb, float beta, FloatBuffer c,
            int ldc) {
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, m, n, k, 1f, a, lda, b, ldb, beta, c, ldc);
    }

    /**
     * {@code y[0..] = alpha op(a) x} for the row-major {@code [rows, cols]} matrix {@code a} ({@code op} a transpose if
     * asked), each buffer read from its current position.
     */
    static void gemv(boolean trans, int rows, int cols, float alpha, FloatBuffer a, FloatBuffer x, FloatBuffer y) {
        cblas_sgemv(CblasRowMajor, trans ? CblasTrans : CblasNoTrans, rows, cols, alpha, a, cols, x, 1, 0f, y, 1);
    }

    // ---------------------------------------------------------------- Java loops over float rows

    /** Softmax of {@code s[0..n)} in place (max-subtracted). */
    static void softmaxInPlace(float[] s, int n) {
        float max = Float.NEGATIVE_INFINITY;
        for (int k = 0; k < n; k++) {
            max = Math.max(max, s[k]);
        }
        float sum = 0;
        for (int k = 0; k < n; k++) {
            float e = (float) Math.exp(s[k] - max);
            s[k] = e;
            sum += e;
        }
        float inv = 1f / sum;
        for (int k = 0; k < n; k++) {
            s[k] *= inv;
        }
    }

    /**
     * Layer norm of {@code n} rows of width {@code d} of {@code in} (starting at row {@code from}) into {@code out}
     * (rows {@code 0..n}): {@code (x - mean) / sqrt(var + eps) * gain + bias}.
     */
    static void layerNormRows(float[] in, int from, int n, int d, float[] gain, float[] bias, float eps, float[] out) {
        for (int r = 0; r < n; r++) {
            layerNormRow(in, (from + r) * d, d, gain, bias, eps, out, r * d);
        }
    }

    /** Layer norm of the row of width {@code d} at {@code in[at..]} into {@code out[to..]}. */
    static void layerNormRow(float[] in, int at, int d, float[] gain, float[] bias, float eps, float[] out, int to) {
        float sum = 0;
        for (int j = 0; j < d; j++) {
            sum += in[at + j];
        }
        float mean = sum / d;
        float sq = 0;
        for (int j = 0; j < d; j++) {
            float c = in[at + j] - mean;
            sq += c * c;
        }
        float rstd = (float) (1.0 / Math.sqrt(sq / d + eps));
        for (int j = 0; j < d; j++) {
            out[to + j] = (in[at + j] - mean) * rstd * gain[j] + bias[j];
        }
    }

    /**
     * {@code x[i] = gelu(x[i] + bias[i % width])} for the first {@code n} entries (rows of {@code width}), in the tanh
     * form with {@link #tanh}: only multiplications, additions and one division, which the JIT vectorises
     * (measured 5 ns per element with {@code Math.exp}, about 1 ns with this).
     */
    static void biasGeluRows(float[] x, int n, float[] bias, int width) {
        for (int r = 0; r < n; r += width) {
            for (int j = 0; j < width; j++) {
                x[r + j] += bias[j];
            }
        }
        geluInPlace(x, n);
    }

    /** {@code x[i] = gelu(x[i])} for the first {@code n} entries (one flat loop: the JIT vectorises it, not a nested one). */
    static void geluInPlace(float[] x, int n) {
        float c = (float) Math.sqrt(2.0 / Math.PI);
        float ck = (float) (Math.sqrt(2.0 / Math.PI) * GELU_K);
        for (int i = 0; i < n; i++) {
            float u = x[i];
            x[i] = 0.5f * u * (1f + tanh(u * (c + ck * u * u)));
        }
    }

    /** Where float tanh reaches +-1. */
    private static final float TANH_CLAMP = 7.90531110763549805f;

    /**
     * tanh as Eigen's rational approximation (a 13/6 polynomial ratio on {@code [-7.9, 7.9]}, clamped outside): within
     * 4e-7 of {@code Math.tanh} over the floats (tested), branch-free.
     */
    static float tanh(float x) {
        float v = Math.max(-TANH_CLAMP, Math.min(TANH_CLAMP, x));
        float x2 = v * v;
        float p = x2 * -2.76076847742355e-16f + 2.00018790482477e-13f;
        p = p * x2 + -8.60467152213735e-11f;
        p = p * x2 + 5.12229709037114e-08f;
        p = p * x2 + 1.48572235717979e-05f;
        p = p * x2 + 6.37261928875436e-04f;
        p = p * x2 + 4.89352455891786e-03f;
        p = p * v;
        float q = x2 * 1.19825839466702e-06f + 1.18534705686654e-04f;
        q = q * x2 + 2.26843463243900e-03f;
        q = q * x2 + 4.89352518554385e-03f;
        return p / q;
    }

    /** {@code x[i] += y[i] + bias[i % width]} for the first {@code n} entries (rows of {@code width}). */
    static void addRowsWithBias(float[] x, float[] y, int n, float[] bias, int width) {
        for (int r = 0; r < n; r += width) {
            for (int j = 0; j < width; j++) {
                x[r + j] += y[r + j] + bias[j];
            }
        }
    }
}
