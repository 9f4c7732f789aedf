package org.rlhf4j.engine.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

class BlockOpsTest {
    @Test
    void tanhIsWithinFloatRoundingOfMathTanh() {
        double worst = 0;
        for (float x = -12f; x <= 12f; x += 1e-4f) {
            worst = Math.max(worst, Math.abs(BlockOps.tanh(x) - Math.tanh(x)));
        }
        assertEquals(0.0, worst, 5e-7);
        assertEquals(1f, BlockOps.tanh(100f));
        assertEquals(-1f, BlockOps.tanh(-1e30f));
    }

    @Test
    void geluRowsEqualTheSigmoidFormOfTheNd4jPasses() {
        int rows = 3;
        int width = 40;
        INDArray u = Nd4j.rand(DataType.FLOAT, rows, width).subi(0.5).muli(12);
        INDArray bias = Nd4j.rand(DataType.FLOAT, width).subi(0.5);
        INDArray withBias = u.addRowVector(bias);
        INDArray s = withBias.ulike();
        INDArray expected = withBias.ulike();
        BlockOps.gelu(withBias, s, expected);
        float[] x = u.dup().data().asFloat();
        BlockOps.biasGeluRows(x, rows * width, bias.data().asFloat(), width);
        float[] e = expected.data().asFloat();
        for (int i = 0; i < x.length; i++) {
            assertEquals(e[i], x[i], 2e-6 * Math.max(1, Math.abs(e[i])), "element " + i);
        }
    }

    @Test
    void javaGeluPassesEqualTheNd4jOperations() {
        INDArray u = Nd4j.rand(DataType.FLOAT, 7, 1000).subi(0.5).muli(10); // more than one chunk
        INDArray s = u.ulike();
        INDArray hg = u.ulike();
        BlockOps.gelu(u, s, hg);
        INDArray s2 = u.ulike();
        INDArray hg2 = u.ulike();
        BlockOps.geluFast(u, s2, hg2);
        assertEquals(0.0, s.sub(s2).amaxNumber().doubleValue(), 1e-6);
        assertEquals(0.0, hg.sub(hg2).amaxNumber().doubleValue(), 5e-6);
        INDArray d = Nd4j.rand(DataType.FLOAT, 7, 1000);
        INDArray d2 = d.dup();
        BlockOps.geluBackward(u, s, d, u.ulike(), u.ulike());
        BlockOps.geluBackwardFast(u, s, d2, null, null);
        assertEquals(0.0, d.sub(d2).amaxNumber().doubleValue(), 1e-5);
    }

    @Test
    void batchedGemmEqualsNd4jMatmulOnViews() {
        INDArray block = Nd4j.rand(DataType.FLOAT, 3, 6, 5, 4);
        INDArray a = block.get(NDArrayIndex.point(1)); // a view at an offset
        INDArray b = block.get(NDArrayIndex.point(2));
        INDArray c = Nd4j.create(DataType.FLOAT, 6, 5, 5);
        BlockOps.batchedGemm(a, false, b, true, c);
        assertEquals(0.0, c.sub(Nd4j.matmul(a, b, false, true, false)).amaxNumber().doubleValue(), 1e-5);
        INDArray c2 = Nd4j.create(DataType.FLOAT, 6, 4, 4);
        BlockOps.batchedGemm(a, true, b, false, c2);
        assertEquals(0.0, c2.sub(Nd4j.matmul(a, b, true, false, false)).amaxNumber().doubleValue(), 1e-5);
        assertThrows(IllegalArgumentException.class, () -> BlockOps.floats(block.permute(0, 1, 3, 2)));
    }

    /**
     * A FLOAT instance (whose bias write is a Java copy, in chunks of 42 rows of 96 here, the last one short) gives a
     * DOUBLE instance's layer norm forward and backward, bias adds and column sums on the same numbers, to float
     * rounding, and writes the bias exactly.
     */
    @Test
    void floatInstancesMatchDoubleInstances() {
        int rows = 70;
        int d = 96;
        BlockOps f = new BlockOps(DataType.FLOAT, rows, d, 1e-5);
        BlockOps g = new BlockOps(DataType.DOUBLE, rows, d, 1e-5);
        Nd4j.getRandom().setSeed(7);
        INDArray x = Nd4j.randn(DataType.FLOAT, rows, d).muli(3).addi(1);
        INDArray gain = Nd4j.randn(DataType.FLOAT, d);
        INDArray bias = Nd4j.randn(DataType.FLOAT, d);
        INDArray da = Nd4j.randn(DataType.FLOAT, rows, d);
        INDArray dX0 = Nd4j.randn(DataType.FLOAT, rows, d);

        INDArray xhat = x.ulike();
        INDArray rstd = Nd4j.create(DataType.FLOAT, rows, 1);
        INDArray out = x.ulike();
        f.layerNorm(x, xhat, rstd, gain, bias, out);
        INDArray xhatD = Nd4j.create(DataType.DOUBLE, rows, d);
        INDArray rstdD = Nd4j.create(DataType.DOUBLE, rows, 1);
        INDArray outD = Nd4j.create(DataType.DOUBLE, rows, d);
        g.layerNorm(x.castTo(DataType.DOUBLE), xhatD, rstdD, gain.castTo(DataType.DOUBLE), bias.castTo(DataType.DOUBLE), outD);
        assertClose(xhatD, xhat, 2e-6);
        assertClose(rstdD, rstd, 2e-6);
        assertClose(outD, out, 1e-5);

        INDArray dGain = Nd4j.rand(DataType.FLOAT, d); // written whole
        INDArray dBias = Nd4j.rand(DataType.FLOAT, d);
        INDArray dX = dX0.dup(); // added to
        f.layerNormBackward(da.dup(), xhat, rstd, gain, dGain, dBias, dX);
        INDArray dGainD = Nd4j.create(DataType.DOUBLE, d);
        INDArray dBiasD = Nd4j.create(DataType.DOUBLE, d);
        INDArray dXD = dX0.castTo(DataType.DOUBLE);
        g.layerNormBackward(da.castTo(DataType.DOUBLE), xhatD, rstdD, gain.castTo(DataType.DOUBLE), dGainD, dBiasD, dXD);
        assertClose(dGainD, dGain, 2e-5);
        assertClose(dBiasD, dBias, 2e-5);
        assertClose(dXD, dX, 2e-5);

        INDArray wide = Nd4j.randn(DataType.FLOAT, rows, 3 * d);
        INDArray wideBias = Nd4j.randn(DataType.FLOAT, 3 * d);
        INDArray sums = Nd4j.create(DataType.FLOAT, 3 * d);
        f.colSum(wide, sums);
        assertClose(wide.castTo(DataType.DOUBLE).sum(0), sums, 2e-5);
        INDArray added = wide.dup();
        f.addBias(added, wideBias, 1.0);
        assertClose(wide.castTo(DataType.DOUBLE).addRowVector(wideBias.castTo(DataType.DOUBLE)), added, 1e-6);
        f.addBias(added, wideBias, 0.0);
        assertClose(Nd4j.zeros(DataType.DOUBLE, rows, 3 * d).addRowVector(wideBias.castTo(DataType.DOUBLE)), added, 0);
    }

    private static void assertClose(INDArray expected, INDArray actual, double tol) {
        double scale = Math.max(1, expected.amaxNumber().doubleValue());
        assertEquals(0.0, expected.sub(actual.castTo(DataType.DOUBLE).reshape(expected.shape())).amaxNumber().doubleValue(), tol * scale);
    }
}
