package org.rlhf4j.engine.model;

import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.rlhf4j.engine.tokenizer.SequenceEncoder.Encoded;

/** Quantities read by hand from plain, unpadded forward passes, for tests of the batched and sharded paths. */
public final class HandReads {
    private HandReads() {}

    /** The log-probs of {@code e}'s response tokens under {@code w}: one unpadded row, log softmax at each response token. */
    public static double[] responseLogProbs(TransformerWeights w, Encoded e) {
        int[] t = e.tokens();
        int[] ids = Arrays.copyOf(t, t.length - 1);
        INDArray logits = new Nd4jBackprop(w, 1, ids.length).forward(new int[][] {ids});
        double[] out = new double[t.length - e.promptLength()];
        for (int j = e.promptLength() - 1; j < ids.length; j++) {
            double norm = 0;
            for (int v = 0; v < w.config().vocabSize(); v++) {
                norm += Math.exp(logits.getDouble(j, v));
            }
            out[j - e.promptLength() + 1] = logits.getDouble(j, t[j + 1]) - Math.log(norm);
        }
        return out;
    }

    /** The log-prob of {@code e}'s response under {@code w}: the sum of {@link #responseLogProbs}. */
    public static double responseLogProb(TransformerWeights w, Encoded e) {
        return Arrays.stream(responseLogProbs(w, e)).sum();
    }
}
