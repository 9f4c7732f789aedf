package org.rlhf4j.engine.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.rlhf4j.engine.random.Rng;

/** The LM head at the masked rows only gives {@link LmLoss#tokenLogProbsAndGradient} over all logits. */
class TestMaskedLmHead {
    private static final TransformerConfig CONFIG = TransformerConfig.of(13, 8, 2, 1, 6);

    enum Precision {
        FLOAT(DataType.FLOAT, 1e-5), DOUBLE(DataType.DOUBLE, 1e-12);

        final DataType dt;
        final double tol;

        Precision(DataType dt, double tol) {
            this.dt = dt;
            this.tol = tol;
        }
    }

    @ParameterizedTest
    @EnumSource(Precision.class)
    void logProbsAndGradientsMatchTheFullHead(Precision precision) {
        TransformerWeights w = TransformerWeights.init(CONFIG, Heads.LM, new Rng(3), precision.dt);
        int b = 3;
        int t = 5;
        Rng rng = new Rng(4);
        INDArray hidden = gaussian(precision, b * t, rng);
        int[][] targets = new int[b][t];
        float[][] mask = {{0, 1, 1, 0, 0}, {0, 0, 0, 0, 0}, {1, 1, 1, 1, 1}};
        for (int[] row : targets) {
            for (int j = 0; j < t; j++) {
                row[j] = rng.nextInt(13);
            }
        }
        double[] scale = {0.7, -1.3, 2.1};

        // the full head: logits of every row, unit gradient scaled per sequence
        INDArray logits = hidden.mmul(w.get(ParamNames.LM_HEAD));
        INDArray dLogits = logits.ulike();
        double[] expected = LmLoss.tokenLogProbsAndGradient(logits, targets, mask, dLogits);
        INDArray column = Nd4j.create(precision.dt, b * t, 1);
        for (int r = 0; r < b * t; r++) {
            column.putScalar(r, scale[r / t]);
        }
        dLogits.muliColumnVector(column);
        INDArray expectedDHead = hidden.transpose().mmul(dLogits);
        INDArray expectedDHidden = dLogits.mmul(w.get(ParamNames.LM_HEAD).transpose());

        MaskedLmHead head = new MaskedLmHead(w, b * t);
        INDArray dHidden = Nd4j.rand(precision.dt, b * t, 8); // overwritten whole
        INDArray dHead = Nd4j.rand(precision.dt, 8, 13);
        for (int call = 0; call < 2; call++) { // buffers are reused
            double[] logp = head.tokenLogProbs(hidden, targets, mask);
            for (int r = 0; r < b * t; r++) {
                assertEquals(expected[r], logp[r], precision.tol, "row " + r);
            }
            head.backward(scale, dHidden, dHead);
            assertEquals(0, expectedDHidden.sub(dHidden).amaxNumber().doubleValue(), precision.tol);
            assertEquals(0, expectedDHead.sub(dHead).amaxNumber().doubleValue(), precision.tol);
        }
    }

    @ParameterizedTest
    @EnumSource(Precision.class)
    void forwardOnlyLogProbsAreTheSameNumbersAndKeepNoGradient(Precision precision) {
        TransformerWeights w = TransformerWeights.init(CONFIG, Heads.LM, new Rng(5), precision.dt);
        int b = 2;
        int t = 4;
        INDArray hidden = gaussian(precision, b * t, new Rng(6));
        int[][] targets = {{1, 5, 12, 0}, {7, 7, 3, 9}};
        float[][] mask = {{0, 1, 1, 1}, {1, 0, 1, 0}};
        INDArray logits = hidden.mmul(w.get(ParamNames.LM_HEAD));
        double[] full = LmLoss.tokenLogProbs(logits, targets, mask, logits.ulike());
        double[] fullWithGradient = LmLoss.tokenLogProbsAndGradient(logits, targets, mask, logits.ulike());
        MaskedLmHead head = new MaskedLmHead(w, b * t);
        double[] forwardOnly = head.logProbs(hidden, targets, mask);
        assertThrows(IllegalStateException.class, () -> head.backward(new double[] {1, 1}, Nd4j.create(precision.dt, b * t, 8),
                Nd4j.create(precision.dt, 8, 13)), "no gradient is kept by a forward-only pass");
        double[] withGradient = head.tokenLogProbs(hidden, targets, mask);
        for (int r = 0; r < b * t; r++) {
            assertEquals(withGradient[r], forwardOnly[r], 0.0, "row " + r + ": the same arithmetic");
            assertEquals(fullWithGradient[r], full[r], 0.0, "row " + r + ": LmLoss without the gradient, the same numbers");
            assertEquals(full[r], forwardOnly[r], precision.tol, "row " + r);
        }
    }

    @ParameterizedTest
    @EnumSource(Precision.class)
    void noMaskedRowGivesZeros(Precision precision) {
        TransformerWeights w = TransformerWeights.init(CONFIG, Heads.LM, new Rng(3), precision.dt);
        MaskedLmHead head = new MaskedLmHead(w, 4);
        double[] logp = head.tokenLogProbs(Nd4j.ones(precision.dt, 4, 8), new int[2][2], new float[2][2]);
        assertEquals(4, logp.length);
        INDArray dHidden = Nd4j.ones(precision.dt, 4, 8);
        INDArray dHead = Nd4j.ones(precision.dt, 8, 13);
        head.backward(new double[] {1, 1}, dHidden, dHead);
        assertEquals(0, dHidden.amaxNumber().doubleValue());
        assertEquals(0, dHead.amaxNumber().doubleValue());
    }

    @ParameterizedTest
    @EnumSource(Precision.class)
    void rejectsMoreRowsThanItsCapacity(Precision precision) {
        TransformerWeights w = TransformerWeights.init(CONFIG, Heads.LM, new Rng(3), precision.dt);
        MaskedLmHead head = new MaskedLmHead(w, 3);
        assertThrows(IllegalArgumentException.class, () -> head.tokenLogProbs(Nd4j.ones(precision.dt, 4, 8), new int[2][2], new float[2][2]));
    }

    /** Hidden states {@code [rows, 8]} drawn from {@code rng}. */
    private static INDArray gaussian(Precision precision, int rows, Rng rng) {
        INDArray hidden = Nd4j.create(precision.dt, rows, 8);
        for (int i = 0; i < rows * 8; i++) {
            hidden.putScalar(i, rng.nextGaussian());
        }
        return hidden;
    }
}
