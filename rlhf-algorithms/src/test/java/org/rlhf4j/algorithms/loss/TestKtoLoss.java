package org.rlhf4j.algorithms.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.rlhf4j.engine.model.GradientCheckExtension;
import org.rlhf4j.engine.model.GradientCheckSettings;
import org.rlhf4j.engine.model.GradientChecker;

/**
 * KTO's reference point and loss against values computed by hand, and its gradient (the reference point held fixed, as
 * TRL detaches it) against central differences. Pairs (policy chosen, policy rejected, reference chosen, reference
 * rejected): (-10, -12, -11, -11), log-ratios 1 and -1, and (-7, -6, -8, -8.5), log-ratios 1 and 2.5.
 */
@ExtendWith(GradientCheckExtension.class)
@GradientCheckSettings(samplesPerParameter = 4, tolerance = 1e-7)
class TestKtoLoss {
    private static final double[] PC = {-10, -7};
    private static final double[] PR = {-12, -6};
    private static final double[] RC = {-11, -8};
    private static final double[] RR = {-11, -8.5};

    private static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    @Test
    void theReferencePointIsTheClampedMeanLogRatioOfMismatchedExamples() {
        // log-ratios 0.5, -0.25, 1.0, 0.75: mean 0.5
        assertEquals(0.5, KtoLoss.referencePoint(new double[] {-3.5, -9.25, -4, -1.25}, new double[] {-4, -9, -5, -2}), 1e-15);
        // a negative mean is clamped to zero (TRL's KL.clamp(min=0))
        assertEquals(0.0, KtoLoss.referencePoint(new double[] {-5, -6}, new double[] {-4, -4}), 0.0);
        assertThrows(IllegalArgumentException.class, () -> KtoLoss.referencePoint(new double[0], new double[0]));
    }

    @Test
    void lossByHand() {
        KtoLoss kto = new KtoLoss(0.5, 1.0, 1.5);
        double z0 = 0.4;
        PairLoss loss = kto.compute(PairLogProbs.of(PC, PR, RC, RR), z0, 2);
        // desirable: 1 - sigmoid(0.5 (r - 0.4)) for r = 1, 1; undesirable: 1.5 (1 - sigmoid(0.5 (0.4 - r))) for r = -1, 2.5
        double d1 = 1 - sigmoid(0.5 * 0.6);
        double u1 = 1.5 * (1 - sigmoid(0.5 * 1.4));
        double u2 = 1.5 * (1 - sigmoid(0.5 * -2.1));
        assertEquals((2 * d1 + u1 + u2) / 4, loss.loss(), 1e-15, "a mean over the four examples");
        assertEquals(0.6149989142244159, loss.loss(), 1e-15);
        // d/dpi_c = -w_D beta s (1 - s) / 4; d/dpi_r = +w_U beta s (1 - s) / 4
        double sc = sigmoid(0.3);
        double sr1 = sigmoid(0.7);
        double sr2 = sigmoid(-1.05);
        assertArrayEquals(new double[] {-0.5 * sc * (1 - sc) / 4, -0.5 * sc * (1 - sc) / 4}, loss.dFirst(), 1e-16);
        assertArrayEquals(new double[] {1.5 * 0.5 * sr1 * (1 - sr1) / 4, 1.5 * 0.5 * sr2 * (1 - sr2) / 4}, loss.dSecond(), 1e-16);
        assertEquals(0.5, loss.metrics().get("rewards/chosen"), 1e-15);
        assertEquals(0.5 * (-1 + 2.5) / 2, loss.metrics().get("rewards/rejected"), 1e-15);
        assertEquals(0.5 - 0.375, loss.metrics().get("rewards/margins"), 1e-15);
        assertEquals(-8.5, loss.metrics().get("logps/chosen"), 1e-15);
        assertEquals(z0, loss.metrics().get("kl"));
        // at(z0) is the same loss as a PreferenceLoss; the reference point moves it
        PairLoss at = kto.at(z0).compute(PairLogProbs.of(PC, PR, RC, RR), 2);
        assertEquals(loss.loss(), at.loss(), 0.0);
        // a higher reference point asks more of the desirable examples and less of the undesirable ones
        PairLoss higher = kto.compute(PairLogProbs.of(PC, PR, RC, RR), 1.0, 2);
        assertEquals((2 * (1 - sigmoid(0)) + 1.5 * (1 - sigmoid(1)) + 1.5 * (1 - sigmoid(-0.75))) / 4, higher.loss(), 1e-15);
        assertTrue(higher.dFirst()[0] < loss.dFirst()[0], "the desirable examples pull harder at z0 = 1");
        assertThrows(IllegalArgumentException.class, () -> kto.at(-0.1));
        assertThrows(IllegalArgumentException.class, () -> new KtoLoss(0.1, 0, 1));
    }

    @Test
    void atTheReferenceEachExampleCostsHalfItsWeight() {
        double[] logps = {-3, -17.5};
        PairLoss loss = new KtoLoss(0.1, 1.0, 1.33).compute(PairLogProbs.of(logps, logps, logps, logps), 0.0, 2);
        assertEquals((0.5 + 0.5 * 1.33) / 2, loss.loss(), 1e-15);
    }

    @Test
    void gradientMatchesFiniteDifferences(GradientChecker checker) {
        double[] pc = {-10, -7, -3.5, -20};
        double[] pr = {-12, -6, -3.0, -2};
        double[] rc = {-11, -8, -4, -15};
        double[] rr = {-11, -8.5, -2, -1};
        GradientChecker.Report report = PairInputs.check(checker, "KtoLoss", pc, pr,
                (c, r) -> new KtoLoss(0.5, 1.0, 1.33).compute(PairLogProbs.of(c, r, rc, rr), 0.7, 4));
        assertTrue(report.worstRelative() < 1e-7, report.summary());
    }
}
