package org.rlhf4j.algorithms.model;

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
}
