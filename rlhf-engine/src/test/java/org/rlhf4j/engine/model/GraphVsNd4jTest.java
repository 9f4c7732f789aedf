package org.rlhf4j.engine.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.rlhf4j.engine.random.Rng;

class GraphVsNd4jTest {
    static int[][] randomIds(Rng rng, int b, int t, int v) {
        int[][] ids = new int[b][t];
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < t; j++) {
                ids[i][j] = rng.nextInt(v);
            }
        }
        return ids;
    }

    @Test
    void sameDiffAndNd4jGiveTheSameLogitsLogProbsAndValues() {
        TransformerConfig cfg = TransformerConfig.of(50, 32, 4, 2, 16);
        Rng rng = new Rng(7);
        TransformerWeights w = TransformerWeights.init(cfg, Heads.LM_AND_SCALAR, rng);
        // make layer norms and biases non-trivial so they are exercised
        w.asMap().forEach((k, a) -> { if (a.rank() == 1) { a.addi(Nd4j.rand(a.dataType(), a.shape()).subi(0.5).muli(0.2)); } });
        int b = 3;
        int t = 10;
        int[][] ids = randomIds(rng, b, t, cfg.vocabSize());
        int[][] targets = randomIds(rng, b, t, cfg.vocabSize());
        TransformerGraph g = TransformerGraph.both(w, b, t);
        Map<String, INDArray> in = g.inputs(Nd4j.createFromArray(ids));
        in.put(TransformerGraph.TARGETS, Nd4j.createFromArray(targets));
        INDArray last = Nd4j.zeros(w.dataType(), b, t);
        int[] lastIdx = {9, 4, 0};
        for (int i = 0; i < b; i++) {
            last.putScalar(i, lastIdx[i], 1.0);
        }
        in.put(TransformerGraph.LAST_MASK, last);
        Map<String, INDArray> out = g.output(in, TransformerGraph.LOGITS, TransformerGraph.TOKEN_LOGP, TransformerGraph.VALUES, TransformerGraph.REWARD);

        Nd4jForward f = new Nd4jForward(w);
        INDArray logits = f.logits(ids).reshape(b * t, cfg.vocabSize());
        INDArray diff = logits.sub(out.get(TransformerGraph.LOGITS));
        double maxDiff = Math.max(diff.maxNumber().doubleValue(), -diff.minNumber().doubleValue());
        System.out.println("max |logits diff| = " + maxDiff + ", logits std " + logits.stdNumber());
        assertEquals(0.0, maxDiff, 1e-4);
        float[][] lp = f.tokenLogProbs(ids, targets);
        INDArray glp = out.get(TransformerGraph.TOKEN_LOGP);
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < t; j++) {
                assertEquals(glp.getDouble(i, j), lp[i][j], 1e-4);
            }
        }
        INDArray values = f.values(ids);
        float[] rewards = f.lastTokenScalar(ids, lastIdx);
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < t; j++) {
                assertEquals(out.get(TransformerGraph.VALUES).getDouble(i, j), values.getDouble(i, j), 1e-4);
            }
            assertEquals(out.get(TransformerGraph.REWARD).getDouble(i), rewards[i], 1e-4);
            assertEquals(values.getDouble(i, lastIdx[i]), rewards[i], 1e-6);
        }
    }

    @Test
    void cachedStepsMatchFullRecomputationWithLeftPadding() {
        TransformerConfig cfg = TransformerConfig.of(40, 32, 2, 2, 16);
        Rng rng = new Rng(3);
        TransformerWeights w = TransformerWeights.init(cfg, Heads.LM, rng);
        Nd4jForward f = new Nd4jForward(w);
        int[][] ids = randomIds(rng, 2, 9, cfg.vocabSize());
        int[] pad = {0, 3};
        // the padded row must equal the unpadded row processed alone
        int[][] alone = {java.util.Arrays.copyOfRange(ids[1], 3, 9)};
        INDArray full = f.lastLogits(ids, pad);
        INDArray aloneLogits = f.lastLogits(alone, new int[1]);
        assertEquals(0.0, full.getRow(1).sub(aloneLogits.getRow(0)).norm1Number().doubleValue(), 1e-3);
        KvCache cache = f.newCache(2, 9, pad);
        f.step(new int[][] {java.util.Arrays.copyOf(ids[0], 5), java.util.Arrays.copyOf(ids[1], 5)}, cache);
        INDArray inc = null;
        for (int j = 5; j < 9; j++) {
            inc = f.step(new int[][] {{ids[0][j]}, {ids[1][j]}}, cache);
        }
        assertEquals(0.0, inc.sub(full).norm1Number().doubleValue(), 1e-3);
    }
}
