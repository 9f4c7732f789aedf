package org.rlhf4j.algorithms.preference;

import static java.util.Objects.requireNonNull;

import java.util.List;
import org.rlhf4j.engine.tokenizer.SequenceEncoder;
import org.rlhf4j.engine.tokenizer.SequenceEncoder.Encoded;

/**
 * A batch of pairs as model rows: pair {@code i}'s first sequence (chosen, safer) is row {@code 2i}, its
 * second (rejected, more harmful) row {@code 2i+1}, each right-padded to a fixed width. Two layouts:
 * <ul>
 *   <li>{@link #forLm} for log-probabilities: {@code ids} are the sequence without its last token,
 *       {@code targets} the sequence shifted by one, {@code mask} 1 where the target is a response token
 *       ({@code <eos>} included);</li>
 *   <li>{@link #forScalar} for a scalar head: {@code ids} the whole sequence, {@code last} the index of its
 *       last token.</li>
 * </ul>
 *
 * @param ids {@code [2B][width]} input tokens
 * @param targets {@code [2B][width]} next tokens ({@link #forLm} only, else null)
 * @param mask {@code [2B][width]} response-token mask ({@link #forLm} only, else null)
 * @param last {@code [2B]} the last column a scalar head reads ({@link #forScalar}), the last real column ({@link #forLm})
 * @param first {@code [2B]} the first column a scalar head reads ({@link #forScalar} only, else null)
 */
public record PairRows(int[][] ids, int[][] targets, float[][] mask, int[] last, int[] first) {
    public PairRows {
        requireNonNull(ids, "ids is null");
        requireNonNull(last, "last is null");
    }

    /** Log-prob rows of {@code pairs} ({@code [first, second]} each), {@code width} columns (the context minus one). */
    public static PairRows forLm(List<Encoded[]> pairs, int width) {
        int rows = 2 * pairs.size();
        int[][] ids = new int[rows][width];
        int[][] targets = new int[rows][width];
        float[][] mask = new float[rows][width];
        int[] last = new int[rows];
        for (int i = 0; i < pairs.size(); i++) {
            for (int side = 0; side < 2; side++) {
                Encoded e = pairs.get(i)[side];
                int row = 2 * i + side;
                int[] t = e.tokens();
                if (t.length - 1 > width) {
                    throw new IllegalArgumentException("a sequence of " + t.length + " tokens does not fit " + width + " columns");
                }
                System.arraycopy(t, 0, ids[row], 0, t.length - 1);
                System.arraycopy(t, 1, targets[row], 0, t.length - 1);
                for (int j = e.promptLength() - 1; j < t.length - 1; j++) {
                    mask[row][j] = 1f;
                }
                last[row] = t.length - 2;
            }
        }
        return new PairRows(ids, targets, mask, last, null);
    }

    /** Scalar-head rows of {@code pairs} read at their last response token, {@code width} columns (the context). */
    public static PairRows forScalar(List<Encoded[]> pairs, int width) {
        return forScalar(pairs, width, false);
    }

    /** Scalar-head rows of {@code pairs}, read at the last response token or mean-pooled over the response. */
    public static PairRows forScalar(List<Encoded[]> pairs, int width, boolean meanPooling) {
        int rows = 2 * pairs.size();
        int[][] ids = new int[rows][];
        int[] last = new int[rows];
        int[] first = new int[rows];
        for (int i = 0; i < pairs.size(); i++) {
            for (int side = 0; side < 2; side++) {
                Encoded e = pairs.get(i)[side];
                if (e.tokens().length > width) {
                    throw new IllegalArgumentException("a sequence of " + e.tokens().length + " tokens does not fit " + width + " columns");
                }
                ids[2 * i + side] = SequenceEncoder.padded(e.tokens(), width);
                last[2 * i + side] = e.last();
                first[2 * i + side] = e.first(meanPooling);
            }
        }
        return new PairRows(ids, null, null, last, first);
    }

    /** Sums per-token log-probs {@code [rows*width]} (zero off the mask) into one log-prob per row, for rows {@code [from, to)}. */
    public static double[] sequenceSums(double[] tokenLogProbs, int rows, int width) {
        double[] out = new double[rows];
        for (int r = 0; r < rows; r++) {
            double sum = 0;
            for (int t = 0; t < width; t++) {
                sum += tokenLogProbs[r * width + t];
            }
            out[r] = sum;
        }
        return out;
    }
}
