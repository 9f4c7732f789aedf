package org.rlhf4j.algorithms.model;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Gradient of an embedding lookup: rows of the upstream gradient summed into the rows they were read from. */
final class EmbeddingGradients {
    private EmbeddingGradients() {}

    /** {@code out[rows[i], :] += dx[i, :]} for an {@code out} of shape {@code [numRows, D]}. */
    static INDArray scatterAdd(INDArray dx, int[] rows, long numRows) {
        int d = (int) dx.size(1);
        if (dx.size(0) != rows.length) {
            throw new IllegalArgumentException("dx has " + dx.size(0) + " rows, ids " + rows.length);
        }
        INDArray c = dx.ordering() == 'c' && !dx.isView() ? dx : dx.dup('c');
        if (dx.dataType() == DataType.DOUBLE) {
            double[] src = c.data().asDouble();
            double[] out = new double[Math.toIntExact(numRows * d)];
            for (int i = 0; i < rows.length; i++) {
                int o = rows[i] * d;
                int s = i * d;
                for (int j = 0; j < d; j++) {
                    out[o + j] += src[s + j];
                }
            }
            return Nd4j.create(out, new long[] {numRows, d}, DataType.DOUBLE);
        }
        float[] src = c.data().asFloat();
        float[] out = new float[Math.toIntExact(numRows * d)];
        for (int i = 0; i < rows.length; i++) {
            int o = rows[i] * d;
            int s = i * d;
            for (int j = 0; j < d; j++) {
                out[o + j] += src[s + j];
            }
        }
        return Nd4j.create(out, new long[] {numRows, d}, 'c').castTo(dx.dataType());
    }
}
