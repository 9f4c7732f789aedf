package org.rlhf4j.algorithms.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** GAE on a 3-token episode and whitening, against hand computations. */
class TestGae {
    private static final double[][] REWARDS = {{0.1, -0.2, 1.0}};
    private static final double[][] VALUES = {{0.5, 0.4, 0.3}};

    @Test
    void threeTokenEpisodeByHand() {
        // gamma 1, lambda 0.95: delta = (0.1 + 0.4 - 0.5, -0.2 + 0.3 - 0.4, 1.0 + 0 - 0.3) = (0, -0.3, 0.7)
        // A2 = 0.7; A1 = -0.3 + 0.95 * 0.7 = 0.365; A0 = 0 + 0.95 * 0.365 = 0.34675
        Gae.Result result = Gae.compute(REWARDS, VALUES, 1.0, 0.95);
        assertArrayEquals(new double[] {0.34675, 0.365, 0.7}, result.advantages()[0], 1e-12);
        assertArrayEquals(new double[] {0.84675, 0.765, 1.0}, result.returns()[0], 1e-12);
        // gamma 0.9: delta = (0.1 + 0.36 - 0.5, -0.2 + 0.27 - 0.4, 0.7) = (-0.04, -0.33, 0.7)
        // A1 = -0.33 + 0.855 * 0.7 = 0.2685; A0 = -0.04 + 0.855 * 0.2685 = 0.1895675
        Gae.Result discounted = Gae.compute(REWARDS, VALUES, 0.9, 0.95);
        assertArrayEquals(new double[] {0.1895675, 0.2685, 0.7}, discounted.advantages()[0], 1e-12);
        // lambda 0: one-step TD errors; lambda 1, gamma 1: reward-to-go minus the value
        assertArrayEquals(new double[] {0, -0.3, 0.7}, Gae.compute(REWARDS, VALUES, 1.0, 0.0).advantages()[0], 1e-12);
        assertArrayEquals(new double[] {0.9 - 0.5, 0.8 - 0.4, 1.0 - 0.3}, Gae.compute(REWARDS, VALUES, 1.0, 1.0).advantages()[0], 1e-12);
    }

    @Test
    void whiteningUsesEveryTokenOfEveryEpisode() {
        double[][] x = {{1, 2}, {3}, {}};
        Gae.whiten(x);
        double scale = 1 / Math.sqrt(1.0 + 1e-8); // mean 2, unbiased variance 1
        assertArrayEquals(new double[] {-scale, 0}, x[0], 1e-12);
        assertArrayEquals(new double[] {scale}, x[1], 1e-12);
        assertEquals(0, x[2].length);
    }
}
