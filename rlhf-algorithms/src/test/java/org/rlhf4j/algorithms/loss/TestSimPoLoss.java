package org.rlhf4j.algorithms.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.rlhf4j.engine.model.GradientCheckExtension;
import org.rlhf4j.engine.model.GradientCheckSettings;
import org.rlhf4j.engine.model.GradientChecker;

/**
 * SimPO against values computed by hand, its length normalisation, and its gradient against central differences.
 * Pairs (policy chosen, its tokens, policy rejected, its tokens): (-10, 5, -12, 4) with per-token means -2 and -3, and
 * (-6, 2, -20, 10) with means -3 and -2.
 */
@ExtendWith(GradientCheckExtension.class)
@GradientCheckSettings(samplesPerParameter = 4, tolerance = 1e-7)
class TestSimPoLoss {
    private static final double[] PC = {-10, -6};
    private static final double[] PR = {-12, -20};
    private static final int[] NC = {5, 2};
    private static final int[] NR = {4, 10};

    private static PairLogProbs pairs(double[] pc, double[] pr, int[] nc, int[] nr) {
        double[] nan = new double[pc.length];
        java.util.Arrays.fill(nan, Double.NaN);
        return new PairLogProbs(pc, pr, nan, nan.clone(), nc, nr);
    }

    @Test
    void lossAndGradientByHand() {
        SimPoLoss simpo = new SimPoLoss(2.0, 1.0);
        assertFalse(simpo.needsReference(), "SimPO reads no reference");
        PairLoss loss = simpo.compute(pairs(PC, PR, NC, NR), 2);
        // pair 1: z = 2 (-2 + 3) - 1 = 1; pair 2: z = 2 (-3 + 2) - 1 = -3
        double l1 = Math.log1p(Math.exp(-1));
        double l2 = Math.log1p(Math.exp(3));
        assertEquals(0.31326168751822286, l1, 1e-15);
        assertEquals(3.048587351573742, l2, 1e-15);
        assertEquals((l1 + l2) / 2, loss.loss(), 1e-15);
        // dL/dpi_c = -sigmoid(-z) beta / n_c / N; dL/dpi_r = +sigmoid(-z) beta / n_r / N
        double s1 = 1 / (1 + Math.exp(1));
        double s2 = 1 / (1 + Math.exp(-3));
        assertArrayEquals(new double[] {-s1 * 2 / 5 / 2, -s2 * 2 / 2 / 2}, loss.dFirst(), 1e-16);
        assertArrayEquals(new double[] {s1 * 2 / 4 / 2, s2 * 2 / 10 / 2}, loss.dSecond(), 1e-16);
        assertEquals((2 * -2 + 2 * -3) / 2.0, loss.metrics().get("rewards/chosen"), 1e-15);
        assertEquals((2 * -3 + 2 * -2) / 2.0, loss.metrics().get("rewards/rejected"), 1e-15);
        assertEquals(0.0, loss.metrics().get("rewards/margins"), 1e-15);
        assertEquals(0.5, loss.metrics().get("rewards/accuracies"));
        assertEquals(-2.5, loss.metrics().get("logps/chosen"), 1e-15);
        assertEquals(-2.5, loss.metrics().get("logps/rejected"), 1e-15);
    }

    @Test
    void lengthNormalisationJudgesThePerTokenMeanNotTheSum() {
        SimPoLoss simpo = new SimPoLoss(2.0, 0.0);
        // the same summed log-probs: a longer chosen response has the lower per-token mean, so the pair is ranked wrongly
        PairLoss shortChosen = simpo.compute(pairs(new double[] {-12}, new double[] {-12}, new int[] {3}, new int[] {6}), 1);
        PairLoss longChosen = simpo.compute(pairs(new double[] {-12}, new double[] {-12}, new int[] {6}, new int[] {3}), 1);
        assertEquals(Math.log1p(Math.exp(-2 * (-4 + 2))), shortChosen.loss(), 1e-15); // means -4 and -2: z = 2 (-4 + 2) = -4
        assertEquals(Math.log1p(Math.exp(-2 * (-2 + 4))), longChosen.loss(), 1e-15);
        assertTrue(shortChosen.loss() > longChosen.loss());
        assertEquals(0.0, shortChosen.metrics().get("rewards/accuracies"));
        assertEquals(1.0, longChosen.metrics().get("rewards/accuracies"));
        // scaling a response's length and log-prob together leaves the loss unchanged
        PairLoss doubled = simpo.compute(pairs(new double[] {-24}, new double[] {-12}, new int[] {12}, new int[] {3}), 1);
        assertEquals(longChosen.loss(), doubled.loss(), 1e-15);
        // the margin gamma is subtracted from the scaled difference: at beta d = gamma the loss is ln 2
        PairLoss atMargin = new SimPoLoss(2.0, 4.0).compute(pairs(new double[] {-12}, new double[] {-12}, new int[] {6}, new int[] {3}), 1);
        assertEquals(Math.log(2), atMargin.loss(), 1e-15);
    }

    @Test
    void shardPartsAddUpAndBadSettingsAreRefused() {
        SimPoLoss simpo = new SimPoLoss(2.5, 1.25);
        PairLoss whole = simpo.compute(pairs(PC, PR, NC, NR), 2);
        PairLoss a = simpo.compute(pairs(new double[] {PC[0]}, new double[] {PR[0]}, new int[] {NC[0]}, new int[] {NR[0]}), 2);
        PairLoss b = simpo.compute(pairs(new double[] {PC[1]}, new double[] {PR[1]}, new int[] {NC[1]}, new int[] {NR[1]}), 2);
        assertEquals(whole.loss(), a.loss() + b.loss(), 1e-15);
        assertEquals(whole.dSecond()[1], b.dSecond()[0], 0.0);
        assertThrows(IllegalArgumentException.class, () -> new SimPoLoss(0, 1));
        assertThrows(IllegalArgumentException.class, () -> new SimPoLoss(2, -1));
    }

    @Test
    void gradientMatchesFiniteDifferences(GradientChecker checker) {
        double[] pc = {-10, -6, -31.5, -2.25};
        double[] pr = {-12, -20, -3.0, -9.5};
        int[] nc = {5, 2, 9, 1};
        int[] nr = {4, 10, 2, 7};
        GradientChecker.Report report = PairInputs.check(checker, "SimPoLoss", pc, pr,
                (c, r) -> new SimPoLoss(2.0, 1.0).compute(pairs(c, r, nc, nr), 4));
        assertTrue(report.worstRelative() < 1e-7, report.summary());
    }
}
