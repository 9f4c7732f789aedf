package org.rlhf4j.algorithms.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.rlhf4j.algorithms.loss.DpoLoss.Type;
import org.rlhf4j.engine.model.GradientCheckExtension;
import org.rlhf4j.engine.model.GradientCheckSettings;
import org.rlhf4j.engine.model.GradientChecker;

/**
 * DPO, cDPO and IPO against values computed by hand on two pairs, and their gradients against finite differences.
 * Pairs (policy chosen, policy rejected, reference chosen, reference rejected): (-10, -12, -11, -11), so
 * {@code h = (-10 + 11) - (-12 + 11) = 2}, and (-7, -6, -8, -8.5), so {@code h = 1 - 2.5 = -1.5}.
 */
@ExtendWith(GradientCheckExtension.class)
@GradientCheckSettings(samplesPerParameter = 4, tolerance = 1e-7)
class TestDpoLoss {
    private static final double[] PC = {-10, -7};
    private static final double[] PR = {-12, -6};
    private static final double[] RC = {-11, -8};
    private static final double[] RR = {-11, -8.5};
    private static final double LN2 = 0.6931471805599453;

    /** {@code -log sigmoid(x) = log(1 + e^-x)}. */
    private static double softplusNeg(double x) {
        return Math.log1p(Math.exp(-x));
    }

    @Test
    void atInitialisationTheLossIsExactlyLn2WhateverBetaAndLabelSmoothing() {
        double[] logps = {-3.25, -17.5, -0.125};
        double[] other = {-9.0, -1.0, -40.0};
        for (double beta : new double[] {0.1, 0.5, 3.0}) {
            for (double smoothing : new double[] {0.0, 0.2}) {
                PairLoss loss = dpo(Type.SIGMOID, beta, smoothing, logps, other, logps, other, 3);
                assertEquals(LN2, loss.loss(), 0.0, "beta " + beta + ", smoothing " + smoothing);
                assertEquals(Math.log(2), loss.loss(), 0.0);
                // dL/dh = -(1 - e) beta sigmoid(0) + e beta sigmoid(0) = -(1 - 2e) beta / 2, divided by 3 pairs
                double dh = -(1 - 2 * smoothing) * beta / 2 / 3;
                for (int i = 0; i < 3; i++) {
                    assertEquals(dh, loss.dFirst()[i], 1e-16);
                    assertEquals(-dh, loss.dSecond()[i], 1e-16);
                }
                assertEquals(0.0, loss.metrics().get("rewards/chosen"));
                assertEquals(0.0, loss.metrics().get("rewards/margins"));
                assertEquals(0.0, loss.metrics().get("rewards/accuracies"), "a zero margin is not a correct ranking");
                assertEquals((-3.25 - 17.5 - 0.125) / 3, loss.metrics().get("logps/chosen"), 1e-15);
                assertEquals((-9.0 - 1.0 - 40.0) / 3, loss.metrics().get("logps/rejected"), 1e-15);
            }
        }
    }

    @Test
    void sigmoidLossWithANonzeroMarginByHand() {
        PairLoss loss = dpo(Type.SIGMOID, 0.1, 0.0, PC, PR, RC, RR, 2);
        // pair 1: -log sigmoid(0.1 * 2) = log(1 + e^-0.2); pair 2: -log sigmoid(-0.15) = log(1 + e^0.15)
        assertEquals(0.5981388693815918, softplusNeg(0.2), 1e-15);
        assertEquals(0.7709570477895321, softplusNeg(-0.15), 1e-15);
        assertEquals((0.5981388693815918 + 0.7709570477895321) / 2, loss.loss(), 1e-15);
        assertEquals(0.6845479585855619, loss.loss(), 1e-15);
        // dL/dh = -beta sigmoid(-beta h) / 2 pairs
        assertArrayEquals(new double[] {-0.1 / (1 + Math.exp(0.2)) / 2, -0.1 / (1 + Math.exp(-0.15)) / 2}, loss.dFirst(), 1e-16);
        assertArrayEquals(new double[] {-0.04501660026875222 / 2, -0.05374298453437496 / 2}, loss.dFirst(), 1e-16);
        assertArrayEquals(new double[] {0.04501660026875222 / 2, 0.05374298453437496 / 2}, loss.dSecond(), 1e-16);
        // TRL's metrics: beta * mean(chosen ratio) = 0.1 * (1 + 1) / 2, beta * mean(rejected ratio) = 0.1 * (-1 + 2.5) / 2
        assertEquals(0.1, loss.metrics().get("rewards/chosen"), 1e-15);
        assertEquals(0.075, loss.metrics().get("rewards/rejected"), 1e-15);
        assertEquals(0.025, loss.metrics().get("rewards/margins"), 1e-15);
        assertEquals(0.5, loss.metrics().get("rewards/accuracies"));
        assertEquals(-8.5, loss.metrics().get("logps/chosen"));
        assertEquals(-9.0, loss.metrics().get("logps/rejected"));
    }

    @Test
    void cdpoLabelSmoothingByHand() {
        // -(1 - e) log sigmoid(bh) - e log sigmoid(-bh) = log(1 + e^-bh) + e bh (as log(1 + e^x) - log(1 + e^-x) = x)
        PairLoss loss = dpo(Type.SIGMOID, 0.1, 0.1, PC, PR, RC, RR, 2);
        assertEquals((0.6181388693815918 + 0.7559570477895321) / 2, loss.loss(), 1e-15);
        assertEquals((softplusNeg(0.2) + 0.1 * 0.2 + softplusNeg(-0.15) - 0.1 * 0.15) / 2, loss.loss(), 1e-15);
        // dL/dh = -(1 - e) beta sigmoid(-bh) + e beta sigmoid(bh)
        assertArrayEquals(new double[] {-0.03501660026875222 / 2, -0.04374298453437497 / 2}, loss.dFirst(), 1e-16);
        assertArrayEquals(new double[] {0.03501660026875222 / 2, 0.04374298453437497 / 2}, loss.dSecond(), 1e-16);
        // smoothing changes the loss, not the logged rewards
        assertEquals(dpo(Type.SIGMOID, 0.1, 0.0, PC, PR, RC, RR, 2).metrics(), loss.metrics());
    }

    @Test
    void ipoByHand() {
        // (h - 1 / (2 beta))^2 with beta 0.1: (2 - 5)^2 = 9 and (-1.5 - 5)^2 = 42.25; dL/dh = 2 (h - 5) = -6 and -13
        PairLoss loss = dpo(Type.IPO, 0.1, 0.0, PC, PR, RC, RR, 2);
        assertEquals(25.625, loss.loss(), 1e-13);
        assertArrayEquals(new double[] {-3.0, -6.5}, loss.dFirst(), 1e-13);
        assertArrayEquals(new double[] {3.0, 6.5}, loss.dSecond(), 1e-13);
        // at h = 1 / (2 beta) the loss and gradient vanish
        PairLoss atTarget = dpo(Type.IPO, 0.25, 0.0, new double[] {-1}, new double[] {-3}, new double[] {0}, new double[] {0}, 1);
        assertEquals(0.0, atTarget.loss(), 0.0);
        assertEquals(0.0, atTarget.dFirst()[0], 0.0);
    }

    @Test
    void shardPartsWithTheBatchNormaliserAddUpToTheBatch() {
        for (Type type : Type.values()) {
            PairLoss whole = dpo(type, 0.1, 0.0, PC, PR, RC, RR, 2);
            PairLoss a = dpo(type, 0.1, 0.0, new double[] {PC[0]}, new double[] {PR[0]}, new double[] {RC[0]}, new double[] {RR[0]}, 2);
            PairLoss b = dpo(type, 0.1, 0.0, new double[] {PC[1]}, new double[] {PR[1]}, new double[] {RC[1]}, new double[] {RR[1]}, 2);
            assertEquals(whole.loss(), a.loss() + b.loss(), 1e-14, type.toString());
            assertEquals(whole.dFirst()[1], b.dFirst()[0], 0.0);
        }
        assertThrows(IllegalArgumentException.class, () -> dpo(Type.SIGMOID, 0.1, 0, PC, new double[] {1}, RC, RR, 2));
    }

    @ParameterizedTest(name = "{0}, label smoothing {1}")
    @CsvSource({"SIGMOID, 0.0", "SIGMOID, 0.1", "IPO, 0.0"})
    void gradientsMatchFiniteDifferences(Type type, double smoothing, GradientChecker checker) {
        double[] pc = {-10, -7, -3.5, -20};
        double[] pr = {-12, -6, -3.0, -2};
        double[] rc = {-11, -8, -4, -15};
        double[] rr = {-11, -8.5, -2, -1};
        GradientChecker.Report report = PairInputs.check(checker, "DpoLoss " + type + " e=" + smoothing, pc, pr,
                (c, r) -> dpo(type, 0.5, smoothing, c, r, rc, rr, 4));
        assertTrue(report.worstRelative() < 1e-7, report.summary());
    }

    /** DPO's loss of the given log-probs (pairs of one token each: the loss reads no lengths). */
    private static PairLoss dpo(Type type, double beta, double labelSmoothing, double[] policyChosen, double[] policyRejected,
            double[] referenceChosen, double[] referenceRejected, double normaliser) {
        return new DpoLoss(type, beta, labelSmoothing).compute(
                PairLogProbs.of(policyChosen, policyRejected, referenceChosen, referenceRejected), normaliser);
    }
}
