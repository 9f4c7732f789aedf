package org.rlhf4j.algorithms.rollout;

import java.util.List;
import org.rlhf4j.engine.tokenizer.SequenceEncoder.Encoded;

/**
 * Sequences of prompt and sampled response laid out for a pass of {@code width} columns: {@code ids} (every token but
 * the last), {@code targets} (every token but the first) and a mask that is 1 at the columns whose next token is a
 * response token. Column {@code j} of a row predicts token {@code j + 1}, so the response's log-probs, and a critic's
 * values for the states before each response token, sit at the masked columns, in order.
 */
public final class ResponseBatch {
    private final int rows;
    private final int width;
    private final int[][] ids;
    private final int[][] targets;
    private final float[][] mask;
    private final int[] lengths;

    public ResponseBatch(List<Encoded> sequences, int width) {
        this.rows = sequences.size();
        this.width = width;
        ids = new int[rows][width];
        targets = new int[rows][width];
        mask = new float[rows][width];
        lengths = new int[rows];
        for (int r = 0; r < rows; r++) {
            int[] t = sequences.get(r).tokens();
            int promptLength = sequences.get(r).promptLength();
            if (t.length - 1 > width) {
                throw new IllegalArgumentException("a sequence of " + t.length + " tokens does not fit " + width + " columns");
            }
            if (promptLength < 1 || promptLength > t.length) {
                throw new IllegalArgumentException("a prompt of " + promptLength + " tokens in a sequence of " + t.length);
            }
            System.arraycopy(t, 0, ids[r], 0, t.length - 1);
            System.arraycopy(t, 1, targets[r], 0, t.length - 1);
            for (int j = promptLength - 1; j < t.length - 1; j++) {
                mask[r][j] = 1f;
            }
            lengths[r] = t.length - promptLength;
        }
    }

    public int rows() {
        return rows;
    }

    public int width() {
        return width;
    }

    /** Input tokens {@code [rows][width]}. */
    public int[][] ids() {
        return ids;
    }

    /** Next tokens {@code [rows][width]}. */
    public int[][] targets() {
        return targets;
    }

    /** 1 at the columns that predict a response token. */
    public float[][] mask() {
        return mask;
    }

    /** The response's length of each row. */
    public int[] lengths() {
        return lengths.clone();
    }

    /** Response tokens of rows {@code from..to-1}. */
    public long tokens(int from, int to) {
        long n = 0;
        for (int r = from; r < to; r++) {
            n += lengths[r];
        }
        return n;
    }

    /**
     * The values of row {@code row} at its masked columns, in order, from a shard's flat array {@code [rows*width]}
     * whose first row is batch row {@code fromRow}.
     */
    public double[] responseValues(double[] flat, int fromRow, int row) {
        double[] out = new double[lengths[row]];
        int i = 0;
        int base = (row - fromRow) * width;
        for (int j = 0; j < width; j++) {
            if (mask[row][j] != 0) {
                out[i++] = flat[base + j];
            }
        }
        return out;
    }

    /** The inverse of {@link #responseValues}: per-token values of rows {@code from..to-1} laid out flat, 0 elsewhere. */
    public double[] flat(double[][] perToken, int from, int to) {
        double[] out = new double[(to - from) * width];
        for (int r = from; r < to; r++) {
            int i = 0;
            for (int j = 0; j < width; j++) {
                if (mask[r][j] != 0) {
                    out[(r - from) * width + j] = perToken[r - from][i++];
                }
            }
        }
        return out;
    }
}
