package org.rlhf4j.algorithms.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** REINFORCE++'s KL-shaped returns and their whitening over the batch's tokens, by hand; DAPO's overlong punishment. */
class TestReinforcePlusPlus {
    @Test
    void returnsSumTheKlPenaltiesAndTheScoreThenAreWhitenedOverTheBatch() {
        // sequence 0: two tokens, k1 = old - ref = 0.5 and -0.25, score 2; sequence 1: one token, k1 = 1, score -1
        double[][] old = {{-1.0, -2.0}, {-0.5}};
        double[][] ref = {{-1.5, -1.75}, {-1.5}};
        double[][] adv = ReinforcePlusPlus.advantages(new double[] {2, -1}, old, ref, 0.1);
        // rewards: (-0.05, 0.025 + 2) and (-0.1 - 1); returns: (1.975, 2.025) and (-1.1)
        double[] returns = {1.975, 2.025, -1.1};
        double mean = (1.975 + 2.025 - 1.1) / 3;
        double variance = 0;
        for (double g : returns) {
            variance += (g - mean) * (g - mean);
        }
        double std = Math.sqrt(variance / 2);
        assertArrayEquals(new double[] {(1.975 - mean) / (std + 1e-8), (2.025 - mean) / (std + 1e-8)}, adv[0], 1e-12);
        assertArrayEquals(new double[] {(-1.1 - mean) / (std + 1e-8)}, adv[1], 1e-12);
        // whitened: mean 0 over the batch's tokens (the batch's mean return is the baseline)
        assertEquals(0.0, adv[0][0] + adv[0][1] + adv[1][0], 1e-12);
        assertThrows(IllegalArgumentException.class, () -> ReinforcePlusPlus.advantages(new double[] {1}, old, ref, 0.1));
        assertThrows(IllegalArgumentException.class, () -> ReinforcePlusPlus.advantages(new double[] {1, 2}, old, ref, -1));
    }

    @Test
    void softOverlongPunishmentFallsLinearlyInsideTheBuffer() {
        // max 40 tokens, a buffer of the last 10
        assertEquals(0.0, OverlongPunishment.of(12, 40, 10));
        assertEquals(0.0, OverlongPunishment.of(30, 40, 10));
        assertEquals(-0.1, OverlongPunishment.of(31, 40, 10), 1e-15);
        assertEquals(-0.5, OverlongPunishment.of(35, 40, 10), 1e-15);
        assertEquals(-1.0, OverlongPunishment.of(40, 40, 10), 1e-15);
        assertEquals(-1.0, OverlongPunishment.of(41, 40, 10), 0.0);
        assertThrows(IllegalArgumentException.class, () -> OverlongPunishment.of(5, 40, 41));
    }
}
