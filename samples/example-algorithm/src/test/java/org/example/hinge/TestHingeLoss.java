package org.example.hinge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.rlhf4j.algorithms.loss.PairLogProbs;
import org.rlhf4j.algorithms.loss.PairLoss;

/** The hinge loss against a hand computation, and its gradient against central differences. */
class TestHingeLoss {
    private static final double[] PC = {-4.0, -2.0};
    private static final double[] PR = {-5.0, -9.0};
    private static final double[] RC = {-4.5, -3.0};
    private static final double[] RR = {-4.5, -3.5};

    @Test
    void valuesByHand() {
        // pair 0: h = 0.5 - (-0.5) = 1.0, 1 - 0.5 h = 0.5 (active); pair 1: h = 1 - (-5.5) = 6.5, 1 - 3.25 < 0 (inactive)
        PairLoss loss = new HingeLoss(0.5).compute(PairLogProbs.of(PC, PR, RC, RR), 2);
        assertEquals(0.5 / 2, loss.loss(), 1e-15);
        assertEquals(-0.5 / 2, loss.dFirst()[0], 1e-15);
        assertEquals(0.5 / 2, loss.dSecond()[0], 1e-15);
        assertEquals(0.0, loss.dFirst()[1]);
        assertEquals(0.0, loss.dSecond()[1]);
        assertEquals(1.0, loss.metrics().get("rewards/accuracies"));
        assertEquals((0.5 + 3.25) / 2, loss.metrics().get("rewards/margins"), 1e-15);
        assertThrows(IllegalArgumentException.class, () -> new HingeLoss(0));
    }

    @Test
    void gradientMatchesCentralDifferences() {
        HingeLoss hinge = new HingeLoss(0.5);
        PairLoss loss = hinge.compute(PairLogProbs.of(PC, PR, RC, RR), 2);
        double step = 1e-6;
        for (int i = 0; i < PC.length; i++) {
            for (int side = 0; side < 2; side++) {
                double[] plus = (side == 0 ? PC : PR).clone();
                double[] minus = plus.clone();
                plus[i] += step;
                minus[i] -= step;
                double up = hinge.compute(side == 0 ? PairLogProbs.of(plus, PR, RC, RR) : PairLogProbs.of(PC, plus, RC, RR), 2).loss();
                double down = hinge.compute(side == 0 ? PairLogProbs.of(minus, PR, RC, RR) : PairLogProbs.of(PC, minus, RC, RR), 2).loss();
                double analytic = side == 0 ? loss.dFirst()[i] : loss.dSecond()[i];
                assertEquals((up - down) / (2 * step), analytic, 1e-8, "pair " + i + (side == 0 ? " chosen" : " rejected"));
            }
        }
    }
}
