package org.rlhf4j.algorithms.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.rlhf4j.engine.model.GradientCheckExtension;
import org.rlhf4j.engine.model.GradientCheckSettings;
import org.rlhf4j.engine.model.GradientChecker;

/**
 * Safe RLHF's cost model loss against values computed by hand on four pairs, and its gradient against finite
 * differences. Pairs (c_safer, c_unsafer, ordered, s_safer, s_unsafer), l2 0.01:
 * <ol>
 *   <li>(-1, 2, ordered, safe, unsafe): {@code log(1+e^-3) + log(1+e^-1) + log(1+e^-2) + 0.005 (1 + 4)};</li>
 *   <li>(0.5, 0.1, ordered, no verdict, unsafe): {@code log(1+e^0.4) + log(1+e^-0.1) + 0.005 (0.25 + 0.01)};</li>
 *   <li>(0.2, 0.6, a tie, safe, unsafe): no pairwise term, {@code log(1+e^0.2) + log(1+e^-0.6) + 0.005 (0.04 + 0.36)};</li>
 *   <li>(0.3, -0.4, no verdict at all): the L2 term alone, {@code 0.005 (0.09 + 0.16)}.</li>
 * </ol>
 */
@ExtendWith(GradientCheckExtension.class)
@GradientCheckSettings(samplesPerParameter = 8, tolerance = 1e-7)
class TestCostModelLoss {
    private static final double[] SAFER = {-1.0, 0.5, 0.2, 0.3};
    private static final double[] UNSAFER = {2.0, 0.1, 0.6, -0.4};
    private static final double[] ORDERED = {1, 1, 0, 0};
    private static final double[] SIGN_SAFER = {-1, 0, -1, 0};
    private static final double[] SIGN_UNSAFER = {1, 1, 1, 0};
    private static final double L2 = 0.01;

    /** {@code -log sigmoid(x) = log(1 + e^-x)}. */
    private static double softplusNeg(double x) {
        return Math.log1p(Math.exp(-x));
    }

    private static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    private static PairLoss loss(int from, int to, double normaliser) {
        return CostModelLoss.compute(java.util.Arrays.copyOfRange(SAFER, from, to), java.util.Arrays.copyOfRange(UNSAFER, from, to),
                java.util.Arrays.copyOfRange(ORDERED, from, to), java.util.Arrays.copyOfRange(SIGN_SAFER, from, to),
                java.util.Arrays.copyOfRange(SIGN_UNSAFER, from, to), L2, normaliser);
    }

    @Test
    void pairwiseAndSignTermsByHand() {
        assertEquals(0.5137770501349375, loss(0, 1, 1).loss(), 1e-15);
        assertEquals(softplusNeg(3) + softplusNeg(1) + softplusNeg(2) + 0.025, loss(0, 1, 1).loss(), 1e-15);
        assertEquals(1.5587119124735236, loss(1, 2, 1).loss(), 1e-15);
        assertEquals(1.2376268198674774, loss(2, 3, 1).loss(), 1e-15);
        assertEquals(0.00125, loss(3, 4, 1).loss(), 1e-17);
        PairLoss all = loss(0, 4, 4);
        assertEquals(0.8278414456189848, all.loss(), 1e-15);
        // pair 1: d/dc_safer = -(sigmoid(3) - 1) + (sigmoid(1) - 1)(-1) + l2 (-1); d/dc_unsafer = (sigmoid(3) - 1) + (sigmoid(2) - 1) + l2 * 2
        assertEquals((1 - sigmoid(3) + 1 - sigmoid(1) - 0.01) / 4, all.dFirst()[0], 1e-16);
        assertEquals((sigmoid(3) - 1 + sigmoid(2) - 1 + 0.02) / 4, all.dSecond()[0], 1e-16);
        // pair 3 (a tie): sign terms only; safe pushes the cost down, unsafe up
        assertEquals((sigmoid(-0.2) - 1) * -1 / 4 + 0.01 * 0.2 / 4, all.dFirst()[2], 1e-16);
        assertEquals((sigmoid(0.6) - 1) / 4 + 0.01 * 0.6 / 4, all.dSecond()[2], 1e-16);
        // pair 4 (no verdict): the L2 gradient alone
        assertArrayEquals(new double[] {0.01 * 0.3 / 4, 0.01 * -0.4 / 4}, new double[] {all.dFirst()[3], all.dSecond()[3]}, 1e-18);
        // pairwise accuracy over the 2 ordered pairs (3 > 0 yes, -0.4 > 0 no); sign accuracy over the 5 verdicts
        // (1 > 0, 2 > 0, 0.1 > 0, -0.2 > 0 no, 0.6 > 0)
        assertEquals(0.5, all.metrics().get("accuracy"));
        assertEquals(0.8, all.metrics().get("sign_accuracy"), 1e-15);
    }

    @Test
    void aPairWithNoVerdictHasNoAccuracies() {
        PairLoss none = loss(3, 4, 1);
        assertTrue(Double.isNaN(none.metrics().get("accuracy")));
        assertTrue(Double.isNaN(none.metrics().get("sign_accuracy")));
        PairLoss noL2 = CostModelLoss.compute(new double[] {5}, new double[] {-7}, new double[] {0}, new double[] {0}, new double[] {0}, 0, 1);
        assertEquals(0.0, noL2.loss(), 0.0);
        assertEquals(0.0, noL2.dFirst()[0], 0.0);
        assertEquals(0.0, noL2.dSecond()[0], 0.0);
    }

    @Test
    void shardPartsWithTheBatchNormaliserAddUpToTheBatch() {
        PairLoss whole = loss(0, 4, 4);
        assertEquals(whole.loss(), loss(0, 2, 4).loss() + loss(2, 4, 4).loss(), 1e-15);
        assertEquals(whole.dFirst()[3], loss(2, 4, 4).dFirst()[1], 0.0);
    }

    @Test
    void gradientMatchesFiniteDifferences(GradientChecker checker) {
        GradientChecker.Report report = PairInputs.check(checker, "CostModelLoss", SAFER, UNSAFER,
                (s, u) -> CostModelLoss.compute(s, u, ORDERED, SIGN_SAFER, SIGN_UNSAFER, L2, 4));
        assertTrue(report.worstRelative() < 1e-7, report.summary());
    }
}
