package org.rlhf4j.algorithms.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.rlhf4j.engine.model.GradientCheckExtension;
import org.rlhf4j.engine.model.GradientCheckSettings;
import org.rlhf4j.engine.model.GradientChecker;

/** The reward model's Bradley-Terry loss against values computed by hand, and its gradient against finite differences. */
@ExtendWith(GradientCheckExtension.class)
@GradientCheckSettings(samplesPerParameter = 6, tolerance = 1e-7)
class TestBradleyTerryLoss {
    private static final double[] STRICT = {1, 1};

    /** {@code -log sigmoid(x) = log(1 + e^-x)}. */
    private static double softplusNeg(double x) {
        return Math.log1p(Math.exp(-x));
    }

    private static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    @Test
    void strictPreferencesWithAMarginByHand() {
        // z = chosen - rejected - margin: 1.5 - 0.5 - 0.3 = 0.7 and -0.2 - 0.4 - 0.3 = -0.9
        PairLoss loss = BradleyTerryLoss.compute(new double[] {1.5, -0.2}, new double[] {0.5, 0.4}, STRICT, 0.3, 0, 0, 2);
        assertEquals(0.4031860488854579, softplusNeg(0.7), 1e-16);
        assertEquals(1.2411538747320878, softplusNeg(-0.9), 1e-15);
        assertEquals(0.8221699618087729, loss.loss(), 1e-15);
        // dL/dz = sigmoid(z) - 1, over 2 pairs
        assertArrayEquals(new double[] {(sigmoid(0.7) - 1) / 2, (sigmoid(-0.9) - 1) / 2}, loss.dFirst(), 1e-16);
        assertArrayEquals(new double[] {(1 - sigmoid(0.7)) / 2, (1 - sigmoid(-0.9)) / 2}, loss.dSecond(), 1e-16);
        assertEquals(-0.33181222783183384, loss.dFirst()[0] * 2, 1e-15);
        assertEquals(0.5, loss.metrics().get("accuracy"), "the second pair ranks rejected first");
        assertEquals((1.0 - 0.6) / 2, loss.metrics().get("margin"), 1e-15);
        // without the margin the first pair's loss is log(1 + e^-1)
        assertEquals(softplusNeg(1.0), BradleyTerryLoss.compute(new double[] {1.5}, new double[] {0.5}, new double[] {1}, 0, 0, 0, 1).loss(), 1e-16);
    }

    @Test
    void aTieIsTrainedTowardsOneHalf() {
        // target 0.5: -(0.5 log sigmoid(1) + 0.5 log sigmoid(-1)) = log(1 + e^-1) + 0.5
        PairLoss tie = BradleyTerryLoss.compute(new double[] {1.0}, new double[] {0.0}, new double[] {0.5}, 0, 0, 0, 1);
        assertEquals(0.8132616875182228, tie.loss(), 1e-15);
        assertEquals(softplusNeg(1) + 0.5, tie.loss(), 1e-15);
        // dL/dz = sigmoid(z) - 0.5: pushes the two rewards together
        assertEquals(sigmoid(1) - 0.5, tie.dFirst()[0], 1e-16);
        assertEquals(0.5 - sigmoid(1), tie.dSecond()[0], 1e-16);
        // equal rewards are the tie's minimum (log 2, zero gradient) and a tie counts for no accuracy
        PairLoss even = BradleyTerryLoss.compute(new double[] {0.7}, new double[] {0.7}, new double[] {0.5}, 0, 0, 0, 1);
        assertEquals(Math.log(2), even.loss(), 1e-16);
        assertEquals(0.0, even.dFirst()[0], 0.0);
        assertTrue(Double.isNaN(even.metrics().get("accuracy")), "no strict pair, no accuracy");
    }

    @Test
    void aTieIgnoresTheMarginAndIsSymmetric() {
        // a tie says neither response is better: its optimum is equal rewards whatever the margin, and which of its
        // two responses is called chosen makes no difference
        PairLoss tie = BradleyTerryLoss.compute(new double[] {1.0}, new double[] {0.0}, new double[] {0.5}, 0.3, 0, 0, 1);
        PairLoss swapped = BradleyTerryLoss.compute(new double[] {0.0}, new double[] {1.0}, new double[] {0.5}, 0.3, 0, 0, 1);
        assertEquals(0.8132616875182228, tie.loss(), 1e-15, "log(1 + e^-1) + 0.5, as with no margin");
        assertEquals(tie.loss(), swapped.loss(), 1e-15);
        assertEquals(tie.dFirst()[0], swapped.dSecond()[0], 1e-16);
        PairLoss even = BradleyTerryLoss.compute(new double[] {0.7}, new double[] {0.7}, new double[] {0.5}, 0.3, 0, 0, 1);
        assertEquals(Math.log(2), even.loss(), 1e-16);
        assertEquals(0.0, even.dFirst()[0], 0.0);
        // a strict preference in the same batch keeps its margin: z = 1.5 - 0.5 - 0.3
        PairLoss mixed = BradleyTerryLoss.compute(new double[] {1.5, 1.0}, new double[] {0.5, 0.0}, new double[] {1, 0.5}, 0.3, 0, 0, 2);
        assertEquals((0.4031860488854579 + 0.8132616875182228) / 2, mixed.loss(), 1e-15);
    }

    @Test
    void centringAndL2ByHand() {
        // log(1 + e^-1) + center (1.5 + 0.5)^2 + l2 (1.5^2 + 0.5^2) / 2 = 0.31326... + 0.05 * 4 + 0.01 * 1.25
        PairLoss loss = BradleyTerryLoss.compute(new double[] {1.5}, new double[] {0.5}, new double[] {1}, 0, 0.05, 0.01, 1);
        assertEquals(0.5257616875182228, loss.loss(), 1e-15);
        // d/dchosen = sigmoid(1) - 1 + 2 * 0.05 * 2 + 0.01 * 1.5; d/drejected = 1 - sigmoid(1) + 0.2 + 0.005
        assertEquals(sigmoid(1) - 1 + 0.2 + 0.015, loss.dFirst()[0], 1e-15);
        assertEquals(1 - sigmoid(1) + 0.2 + 0.005, loss.dSecond()[0], 1e-15);
        // centring alone leaves a pair summing to zero untouched
        assertEquals(softplusNeg(2), BradleyTerryLoss.compute(new double[] {1}, new double[] {-1}, new double[] {1}, 0, 0.7, 0, 1).loss(), 1e-15);
    }

    @Test
    void shardPartsWithTheBatchNormaliserAddUpToTheBatch() {
        double[] c = {1.5, 1.0, -0.2};
        double[] r = {0.5, 0.0, 0.4};
        double[] t = {1, 0.5, 1};
        PairLoss whole = BradleyTerryLoss.compute(c, r, t, 0.3, 0.05, 0.01, 3);
        PairLoss a = BradleyTerryLoss.compute(new double[] {1.5, 1.0}, new double[] {0.5, 0.0}, new double[] {1, 0.5}, 0.3, 0.05, 0.01, 3);
        PairLoss b = BradleyTerryLoss.compute(new double[] {-0.2}, new double[] {0.4}, new double[] {1}, 0.3, 0.05, 0.01, 3);
        assertEquals(whole.loss(), a.loss() + b.loss(), 1e-15);
        assertEquals(whole.dSecond()[2], b.dSecond()[0], 0.0);
    }

    @Test
    void gradientMatchesFiniteDifferencesWithMarginTieCentringAndL2(GradientChecker checker) {
        double[] t = {1, 0.5, 1, 0.5};
        GradientChecker.Report report = PairInputs.check(checker, "BradleyTerryLoss", new double[] {1.5, 1.0, -0.2, 3.0},
                new double[] {0.5, 0.0, 0.4, -2.0}, (c, r) -> BradleyTerryLoss.compute(c, r, t, 0.3, 0.05, 0.01, 4));
        assertTrue(report.worstRelative() < 1e-7, report.summary());
    }
}
