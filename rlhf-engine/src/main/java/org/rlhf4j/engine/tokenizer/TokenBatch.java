package org.rlhf4j.engine.tokenizer;

import static java.util.Objects.requireNonNull;

/**
 * A padded batch of token ids.
 *
 * <p>{@code ids[b][t]} is {@link SpecialTokens#PAD_ID} where {@code mask[b][t]} is 0, and a real token
 * where it is 1; {@code lengths[b]} is the number of real tokens of row {@code b}. The arrays are owned
 * by the batch: do not modify them.
 *
 * @param ids     {@code [batch][seqLen]} token ids
 * @param mask    {@code [batch][seqLen]} 1 for real tokens, 0 for padding
 * @param lengths {@code [batch]} real tokens per row
 * @param side    where the padding is
 */
public record TokenBatch(int[][] ids, int[][] mask, int[] lengths, PaddingSide side) {

    public TokenBatch {
        requireNonNull(ids, "ids is null");
        requireNonNull(mask, "mask is null");
        requireNonNull(lengths, "lengths is null");
        requireNonNull(side, "side is null");
        if (ids.length != mask.length || ids.length != lengths.length) {
            throw new IllegalArgumentException("ids, mask and lengths must have the same number of rows");
        }
    }

    /** Number of rows. */
    public int batchSize() {
        return ids.length;
    }

    /** Number of columns (0 for an empty batch). */
    public int seqLen() {
        return ids.length == 0 ? 0 : ids[0].length;
    }

    /** The ids flattened row by row, e.g. for {@code Nd4j.createFromArray(...).reshape(batch, seqLen)}. */
    public int[] flatIds() {
        return flatten(ids);
    }

    /** The mask flattened row by row as floats (1 = token, 0 = padding). */
    public float[] flatMask() {
        int[] flat = flatten(mask);
        float[] out = new float[flat.length];
        for (int i = 0; i < flat.length; i++) {
            out[i] = flat[i];
        }
        return out;
    }

    private int[] flatten(int[][] rows) {
        int t = seqLen();
        int[] out = new int[rows.length * t];
        for (int b = 0; b < rows.length; b++) {
            System.arraycopy(rows[b], 0, out, b * t, t);
        }
        return out;
    }
}
