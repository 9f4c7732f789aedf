package org.rlhf4j.engine.model;

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

    /**
     * For each k, overwrites {@code out[k] [numRows_k, D]} with the scatter-add of {@code dx}'s rows by
     * {@code rows[k]}: {@code out[k][rows[k][i], :] += dx[i, :]}, starting from zero (one copy of dx for all).
     */
    static void scatterAddInto(INDArray dx, int[][] rows, INDArray[] out) {
        int d = (int) dx.size(1);
        if (rows.length != out.length) {
            throw new IllegalArgumentException(rows.length + " index arrays for " + out.length + " outputs");
        }
        for (int k = 0; k < rows.length; k++) {
            if (dx.size(0) != rows[k].length || out[k].size(1) != d) {
                throw new IllegalArgumentException("shape mismatch: dx " + java.util.Arrays.toString(dx.shape()) + ", ids "
                        + rows[k].length + ", out " + java.util.Arrays.toString(out[k].shape()));
            }
        }
        INDArray c = dx.ordering() == 'c' && !dx.isView() ? dx : dx.dup('c');
        if (dx.dataType() == DataType.DOUBLE) {
            double[] src = c.data().asDouble();
            for (int k = 0; k < rows.length; k++) {
                double[] acc = new double[Math.toIntExact(out[k].length())];
                for (int i = 0; i < rows[k].length; i++) {
                    int o = rows[k][i] * d;
                    int s = i * d;
                    for (int j = 0; j < d; j++) {
                        acc[o + j] += src[s + j];
                    }
                }
                out[k].assign(Nd4j.create(acc, out[k].shape(), DataType.DOUBLE));
            }
            return;
        }
        float[] src = c.data().asFloat();
        for (int k = 0; k < rows.length; k++) {
            float[] acc = new float[Math.toIntExact(out[k].length())];
            for (int i = 0; i < rows[k].length; i++) {
                int o = rows[k][i] * d;
                int s = i * d;
                for (int j = 0; j < d; j++) {
                    acc[o + j] += src[s + j];
                }
            }
            if (out[k].isView() || out[k].offset() != 0 || out[k].ordering() != 'c') {
                out[k].assign(Nd4j.create(acc, out[k].shape(), 'c'));
            } else {
                out[k].data().setData(acc);
            }
        }
    }
}
