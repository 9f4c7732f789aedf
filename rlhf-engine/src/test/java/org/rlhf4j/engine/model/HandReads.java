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

    /**
     * The score of a scalar-head model on {@code e} (a reward, cost or discriminator logit): one unpadded row, the final
     * hidden state of its last response token times {@code head.w}, plus {@code head.b}.
     */
    public static double scalarScore(TransformerWeights w, Encoded e) {
        Nd4jBackprop pass = new Nd4jBackprop(w, 1, e.tokens().length);
        pass.forward(new int[][] {e.tokens()});
        INDArray h = pass.hidden().getRow(e.last());
        double r = w.get(ParamNames.HEAD_B).getDouble(0);
        for (int j = 0; j < w.config().dModel(); j++) {
            r += h.getDouble(j) * w.get(ParamNames.HEAD_W).getDouble(j, 0);
        }
        return r;
    }

    /** The log-prob of {@code e}'s response under {@code w}: the sum of {@link #responseLogProbs}. */
    public static double responseLogProb(TransformerWeights w, Encoded e) {
        return Arrays.stream(responseLogProbs(w, e)).sum();
    }
}
