package org.rlhf4j.engine.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.rlhf4j.engine.optim.GradientComputer;
import org.rlhf4j.engine.random.Rng;

/** The hand-written backward pass against the SameDiff graph (float) and finite differences (double). */
@ExtendWith(GradientCheckExtension.class)
class Nd4jBackpropTest {
    private static final int[][] IDS = {{1, 4, 2, 9, 3}, {10, 0, 5, 5, 7}};
    private static final int[][] TARGETS = {{4, 2, 9, 3, 1}, {0, 5, 5, 7, 8}};
    private static final float[][] MASK = {{0, 0, 1, 1, 1}, {0, 1, 1, 1, 0}};

    private static TransformerWeights weights(TransformerConfig cfg, DataType dt, long seed) {
        // larger-than-init values so that every term (attention, layer norm) has visible curvature
        return GradientChecker.curved(TransformerWeights.init(cfg, Heads.LM, new Rng(seed), dt), seed + 1);
    }

    private static double loss(Nd4jBackprop bp, int[][] ids, int[][] targets, float[][] mask) {
        INDArray logits = bp.forward(ids);
        return LmLoss.maskedCrossEntropy(logits, targets, mask, logits.ulike());
    }

    @Test
    void gradientsEqualTheSameDiffGraphsInFloat() {
        TransformerConfig cfg = TransformerConfig.of(50, 32, 4, 2, 16);
        TransformerWeights w = weights(cfg, DataType.FLOAT, 7);
        w.asMap().values().forEach(a -> a.muli(a.rank() == 1 ? 1.0 : 0.3));
        Rng rng = new Rng(9);
        int b = 3;
        int t = 12;
        int[][] ids = GraphVsNd4jTest.randomIds(rng, b, t, cfg.vocabSize());
        int[][] targets = GraphVsNd4jTest.randomIds(rng, b, t, cfg.vocabSize());
        float[][] mask = new float[b][t];
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < t; j++) {
                mask[i][j] = (i + j) % 4 == 0 ? 0 : 1;
            }
        }
        TransformerGraph g = TransformerGraph.lm(w, b, t);
        g.addLmLoss();
        Map<String, INDArray> in = g.inputs(ids);
        in.put(TransformerGraph.TARGETS, Nd4j.createFromArray(targets));
        in.put(TransformerGraph.LOSS_MASK, Nd4j.createFromArray(mask));
        GradientComputer.Result ref = g.lossAndGradients(TransformerGraph.LM_LOSS, ids, in);

        // gradients written into views of one flat buffer (the optimizer's), as SftTrainer does
        Map<String, INDArray> flatViews = new org.rlhf4j.engine.optim.AdamW(w,
                org.rlhf4j.engine.optim.AdamW.Config.defaults(org.rlhf4j.engine.optim.LrSchedule.constant(1e-3))).gradientBuffers();
        Nd4jBackprop bp = new Nd4jBackprop(w, b, t, flatViews);
        INDArray logits = bp.forward(ids);
        INDArray dLogits = logits.ulike();
        double loss = LmLoss.maskedCrossEntropy(logits, targets, mask, dLogits);
        Map<String, INDArray> grads = bp.backward(dLogits, null);
        grads.forEach((k, v) -> assertTrue(v == flatViews.get(k), k + " not written into the given buffer"));
        assertEquals(ref.loss(), loss, 1e-5);
        assertEquals(ref.gradients().keySet(), grads.keySet());
        double worst = 0;
        for (String name : grads.keySet()) {
            INDArray a = grads.get(name);
            INDArray r = ref.gradients().get(name);
            double scale = Math.max(r.amaxNumber().doubleValue(), 1e-3);
            double diff = a.sub(r).amaxNumber().doubleValue() / scale;
            worst = Math.max(worst, diff);
            assertTrue(diff < 2e-5, name + ": max |diff| / max |grad| = " + diff);
        }
        System.out.println("backprop vs SameDiff: loss " + loss + " vs " + ref.loss() + ", worst relative gradient diff " + worst);
        // a second pass over the same buffers gives bit-identical gradients
        Map<String, INDArray> first = new HashMap<>();
        grads.forEach((k, v) -> first.put(k, v.dup()));
        LmLoss.maskedCrossEntropy(bp.forward(ids), targets, mask, dLogits);
        bp.backward(dLogits, null).forEach((k, v) -> assertEquals(first.get(k), v, k));
    }

    @Test
    void lmAndHiddenGradientsMatchFiniteDifferencesInDouble(GradientChecker checker) {
        TransformerConfig cfg = TransformerConfig.of(11, 8, 2, 2, 6);
        TransformerWeights w = weights(cfg, DataType.DOUBLE, 11);
        Nd4jBackprop bp = new Nd4jBackprop(w, 2, 5);
        // loss = masked CE + sum(hidden * C): exercises both entry points of backward
        Rng c = new Rng(17);
        double[][] cv = new double[10][8];
        for (double[] row : cv) {
            for (int j = 0; j < row.length; j++) {
                row[j] = c.nextGaussian();
            }
        }
        INDArray coef = Nd4j.createFromArray(cv);
        java.util.function.DoubleSupplier lossFn = () -> loss(bp, IDS, TARGETS, MASK) + bp.hidden().mul(coef).sumNumber().doubleValue();
        INDArray logits = bp.forward(IDS);
        INDArray dLogits = logits.ulike();
        double ce = LmLoss.maskedCrossEntropy(logits, TARGETS, MASK, dLogits);
        double hand = 0;
        for (int r = 0; r < 10; r++) {
            if (MASK[r / 5][r % 5] > 0) {
                double sum = 0;
                for (int j = 0; j < 11; j++) {
                    sum += Math.exp(logits.getDouble(r, j));
                }
                hand += Math.log(sum) - logits.getDouble(r, TARGETS[r / 5][r % 5]);
            }
        }
        assertEquals(hand / 6, ce, 1e-12, "cross-entropy by hand");
        Map<String, INDArray> grads = new HashMap<>();
        bp.backward(dLogits, coef).forEach((k, v) -> grads.put(k, v.dup()));
        checker.check("Nd4jBackprop, masked cross-entropy + hidden", w, grads, lossFn);
    }

    @Test
    void allZeroMaskGivesZeroLossAndGradient() {
        INDArray logits = Nd4j.rand(DataType.FLOAT, 10, 11);
        INDArray d = logits.ulike().assign(3);
        assertEquals(0.0, LmLoss.maskedCrossEntropy(logits, TARGETS, new float[2][5], d));
        assertEquals(0.0, d.amaxNumber().doubleValue());
    }

    @Test
    void crossEntropyIsShiftInvariantOnBothTheExpAndTheSoftmaxRoute() {
        // |logits| < 60 takes the exp + row-sum route, a shift by 75 the softmax-op route: same results
        Rng r = new Rng(3);
        double[][] z = new double[10][11];
        for (double[] row : z) {
            for (int j = 0; j < row.length; j++) {
                row[j] = 3 * r.nextGaussian();
            }
        }
        INDArray small = Nd4j.createFromArray(z).castTo(DataType.FLOAT);
        INDArray shifted = small.add(75);
        INDArray d1 = small.ulike();
        INDArray d2 = small.ulike();
        double l1 = LmLoss.maskedCrossEntropy(small, TARGETS, MASK, d1);
        double l2 = LmLoss.maskedCrossEntropy(shifted, TARGETS, MASK, d2);
        double hand = 0;
        for (int row = 0; row < 10; row++) {
            if (MASK[row / 5][row % 5] > 0) {
                double sum = 0;
                for (double v : z[row]) {
                    sum += Math.exp(v);
                }
                hand += Math.log(sum) - z[row][TARGETS[row / 5][row % 5]];
            }
        }
        assertEquals(hand / 6, l1, 1e-5);
        assertEquals(l1, l2, 1e-5);
        assertTrue(d1.sub(d2).amaxNumber().doubleValue() < 1e-6);
        float[][] lp1 = LmLoss.targetLogProbs(small, TARGETS, small.ulike());
        float[][] lp2 = LmLoss.targetLogProbs(shifted, TARGETS, small.ulike());
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 5; j++) {
                assertEquals(lp1[i][j], lp2[i][j], 1e-4);
            }
        }
    }
}
