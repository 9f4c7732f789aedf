package org.rlhf4j.engine.sft;

import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Next-token batch in the layout of {@link org.rlhf4j.engine.model.TransformerGraph}: right-padded
 * {@code ids [B,T]}, {@code targets [B,T]} (ids shifted by one) and {@code lossMask [B,T]} (1 where the
 * target is a response token). Sequences longer than {@code T+1} are truncated; rows beyond the examples
 * (a short last batch) are all-zero with a zero mask.
 */
public record LmBatch(int[][] ids, int[][] targets, float[][] lossMask) {

    public static LmBatch of(List<SftExample> examples, int batch, int seqLen) {
        if (examples.size() > batch) {
            throw new IllegalArgumentException(examples.size() + " examples for batch " + batch);
        }
        int[][] ids = new int[batch][seqLen];
        int[][] targets = new int[batch][seqLen];
        float[][] mask = new float[batch][seqLen];
        for (int b = 0; b < examples.size(); b++) {
            SftExample e = examples.get(b);
            int n = Math.min(e.tokens().length - 1, seqLen);
            for (int j = 0; j < n; j++) {
                ids[b][j] = e.tokens()[j];
                targets[b][j] = e.tokens()[j + 1];
                mask[b][j] = j + 1 >= e.promptLength() ? 1f : 0f;
            }
        }
        return new LmBatch(ids, targets, mask);
    }

    public INDArray idsArray() {
        return Nd4j.createFromArray(ids);
    }

    public INDArray targetsArray() {
        return Nd4j.createFromArray(targets);
    }

    public INDArray maskArray(DataType dataType) {
        return Nd4j.createFromArray(lossMask).castTo(dataType);
    }

    /** Number of tokens that count in the loss. */
    public long maskedTokens() {
        long n = 0;
        for (float[] row : lossMask) {
            for (float f : row) {
                n += f > 0 ? 1 : 0;
            }
        }
        return n;
    }
}
