package org.rlhf4j.bench;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The BLAS reference point: {@code n x n} float32 matmuls ({@code iterations} per timed run) in
 * GFLOP/s, counting {@code 2 n^3} flops per matmul. The same measurement as in torch_reference.py.
 */
public final class MatmulReference implements HotPath {
    private final int n;
    private final int iterations;
    private INDArray a;
    private INDArray b;
    private INDArray c;

    /** 1024 x 1024, 10 matmuls per run. */
    public MatmulReference() {
        this(1024, 10);
    }

    public MatmulReference(int n, int iterations) {
        if (n < 1 || iterations < 1) {
            throw new IllegalArgumentException("n and iterations must be >= 1");
        }
        this.n = n;
        this.iterations = iterations;
    }

    @Override
    public String name() {
        return n == 1024 ? BenchKeys.MATMUL : "matmul_" + n + "_gflops";
    }

    /** {@code flop/s} as counted by {@link #runOnce()}; {@link #measure} converts to GFLOP/s. */
    @Override
    public String unit() {
        return "flop/s";
    }

    @Override
    public void warmUp() {
        Nd4j.getRandom().setSeed(0);
        a = Nd4j.rand(DataType.FLOAT, n, n);
        b = Nd4j.rand(DataType.FLOAT, n, n);
        c = Nd4j.create(DataType.FLOAT, n, n);
        runOnce();
        runOnce();
    }

    /** Runs {@code iterations} matmuls; returns their flops. */
    @Override
    public long runOnce() {
        if (a == null) {
            throw new IllegalStateException("warmUp() first");
        }
        for (int i = 0; i < iterations; i++) {
            a.mmuli(b, c);
        }
        return iterations * 2L * n * n * n;
    }

    /** Times this reference with {@code runner} and reports GFLOP/s. */
    public BenchResult measure(BenchRunner runner) {
        return runner.run(this).scaled(1e-9, "GFLOP/s");
    }

    @Override
    public void close() {
        a = b = c = null;
    }
}
