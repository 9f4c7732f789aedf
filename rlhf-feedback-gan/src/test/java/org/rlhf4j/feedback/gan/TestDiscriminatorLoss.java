package org.rlhf4j.feedback.gan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The discriminator's cross-entropy against values computed by hand, and its gradient against finite differences. */
class TestDiscriminatorLoss {
    /** Two real rows (one smoothed to 0.9) and two fake rows. */
    private static final double[] LOGITS = {0.0, 2.0, -1.0, 0.5};
    private static final double[] TARGETS = {1, 0.9, 0, 0};

    @Test
    void aHandComputedBatch() {
        // row by row: log 2; -(0.9 log sigmoid(2) + 0.1 log sigmoid(-2)); -log sigmoid(1) = log(1 + e^-1); log(1 + e^0.5)
        double[] byHand = {Math.log(2), 0.9 * Math.log1p(Math.exp(-2)) + 0.1 * Math.log1p(Math.exp(2)), Math.log1p(Math.exp(-1)),
            Math.log1p(Math.exp(0.5))};
        assertEquals(0.3269280110429725, byHand[1], 1e-15);
        assertEquals(0.9740769841801067, byHand[3], 1e-15);
        DiscriminatorLoss.Result plain = DiscriminatorLoss.compute(LOGITS, TARGETS, 0, 4);
        assertEquals(0.5768534658253118, plain.loss(), 1e-15);
        // dL/dz = (sigmoid(z) - t) / 4
        assertArrayEquals(new double[] {-0.125, (1 / (1 + Math.exp(-2)) - 0.9) / 4, (1 / (1 + Math.exp(1))) / 4,
            (1 / (1 + Math.exp(-0.5))) / 4}, plain.dLogits(), 1e-16);
        // the logit L2: + 0.1 * (0 + 4 + 1 + 0.25) / 2 / 4, gradient + 0.1 z / 4
        DiscriminatorLoss.Result l2 = DiscriminatorLoss.compute(LOGITS, TARGETS, 0.1, 4);
        assertEquals(0.6424784658253119, l2.loss(), 1e-15);
        assertArrayEquals(new double[] {-0.125, 0.045199269494470576, 0.042235355342498775, 0.16811483280046366}, l2.dLogits(), 1e-16);
        // metrics: the real rows' mean D is (0.5 + sigmoid(2)) / 2, one of two real rows has z > 0, one of two fakes z < 0
        assertEquals((0.5 + 1 / (1 + Math.exp(-2))) / 2, plain.metrics().get("d_real"), 1e-15);
        assertEquals(0.5, plain.metrics().get("accuracy_real"), 0.0);
        assertEquals(0.5, plain.metrics().get("accuracy_fake"), 0.0);
        assertEquals((byHand[2] + byHand[3]) / 2, plain.metrics().get("loss_fake"), 1e-15);
    }

    @Test
    void shardPartsWithTheBatchNormaliserAddUpToTheBatch() {
        DiscriminatorLoss.Result whole = DiscriminatorLoss.compute(LOGITS, TARGETS, 0.1, 4);
        DiscriminatorLoss.Result a = DiscriminatorLoss.compute(new double[] {0.0, 2.0}, new double[] {1, 0.9}, 0.1, 4);
        DiscriminatorLoss.Result b = DiscriminatorLoss.compute(new double[] {-1.0, 0.5}, new double[] {0, 0}, 0.1, 4);
        assertEquals(whole.loss(), a.loss() + b.loss(), 1e-15);
        assertEquals(whole.dLogits()[3], b.dLogits()[1], 0.0);
    }

    @Test
    void gradientMatchesCentralDifferences() {
        double h = 1e-6;
        double[] analytic = DiscriminatorLoss.compute(LOGITS, TARGETS, 0.1, 4).dLogits();
        for (int i = 0; i < LOGITS.length; i++) {
            double[] up = LOGITS.clone();
            double[] down = LOGITS.clone();
            up[i] += h;
            down[i] -= h;
            double numeric = (DiscriminatorLoss.compute(up, TARGETS, 0.1, 4).loss() - DiscriminatorLoss.compute(down, TARGETS, 0.1, 4).loss())
                    / (2 * h);
            assertEquals(analytic[i], numeric, 1e-9, "row " + i);
        }
    }

    @Test
    void aTargetOutsideZeroOneIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> DiscriminatorLoss.compute(new double[] {0}, new double[] {1.5}, 0, 1));
    }
}
