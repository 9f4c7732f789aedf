package org.rlhf4j.algorithms.ppo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The adaptive KL controller's and the Lagrange multiplier's updates against hand computations. */
class TestKlControllerAndLagrangeMultiplier {
    @Test
    void adaptiveKlControllerMovesTowardsItsTargetWithAClippedError() {
        KlController kl = KlController.adaptive(0.05, 6, 10000);
        kl.update(9, 64); // error 9/6 - 1 = 0.5, clipped to 0.2
        assertEquals(0.05 * (1 + 0.2 * 64 / 10000), kl.value(), 1e-15);
        double before = kl.value();
        kl.update(5.4, 64); // error -0.1
        assertEquals(before * (1 - 0.1 * 64 / 10000), kl.value(), 1e-15);
        KlController fixed = KlController.fixed(0.05);
        fixed.update(100, 64);
        assertEquals(0.05, fixed.value());
    }

    @Test
    void lambdaUpdatesOnItsLogFromTheMeanCostAboveTheThreshold() {
        LagrangeMultiplier lambda = new LagrangeMultiplier(1.0, 0.0, 0.1, null);
        lambda.update(0.5); // log lambda = 0 + 0.1 * (0.5 - 0) * 1
        assertEquals(0.05, lambda.logValue(), 1e-15);
        assertEquals(Math.exp(0.05), lambda.value(), 1e-15);
        lambda.update(-1.0); // below the threshold: log lambda -= 0.1 * 1.0 * e^0.05
        assertEquals(0.05 - 0.1 * Math.exp(0.05), lambda.logValue(), 1e-15);
        LagrangeMultiplier capped = new LagrangeMultiplier(1.0, 0.2, 1.0, 1.02);
        capped.update(0.7); // log lambda would be 0.5; the cap holds it at log 1.02
        assertEquals(1.02, capped.value(), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> new LagrangeMultiplier(0, 0, 0.1, null));
        // the advantage's weights: 1 / (1 + lambda) on the reward, lambda / (1 + lambda) on the cost
        assertEquals(1 / (1 + Math.exp(0.05 - 0.1 * Math.exp(0.05))), lambda.rewardWeight(), 1e-15);
        // a cost far above the threshold: log lambda stops at 20 instead of overflowing, and the weights stay finite
        LagrangeMultiplier runaway = new LagrangeMultiplier(1.0, -10, 0.5, null);
        for (int i = 0; i < 5; i++) {
            runaway.update(0);
        }
        assertEquals(20, runaway.logValue());
        assertEquals(1 / (1 + Math.exp(20)), runaway.rewardWeight(), 1e-20);
    }
}
