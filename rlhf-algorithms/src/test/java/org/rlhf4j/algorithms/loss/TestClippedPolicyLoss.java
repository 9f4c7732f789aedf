package org.rlhf4j.algorithms.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** PPO's clipped surrogate and clipped value losses against hand computations, and their gradients against finite differences. */
class TestClippedPolicyLoss {
    private static final double L15 = Math.log(1.5);

    @Test
    void surrogateByHand() {
        // ratios 1.5 (A = 1: clipped at 1.2), 1.5 (A = -1: the unclipped term is larger), 0.9 (inside), 0.5 (A = 0.5: unclipped larger)
        double[][] logp = {{L15, L15}, {Math.log(0.9), Math.log(0.5)}};
        double[][] old = {{0, 0}, {0, 0}};
        double[][] advantages = {{1, -1}, {2, 0.5}};
        ClippedPolicyLoss.Result result = ClippedPolicyLoss.compute(logp, old, advantages, 0.2, 4);
        assertEquals((-1.2 + 1.5 - 1.8 - 0.25) / 4, result.loss(), 1e-12);
        assertArrayEquals(new double[] {0, 1.5 / 4}, result.dLogp()[0], 1e-12);
        assertArrayEquals(new double[] {-1.8 / 4, -0.25 / 4}, result.dLogp()[1], 1e-12);
        assertEquals(0.25, result.metrics().get("clipfrac"), 1e-12);
        double l09 = Math.log(0.9);
        double l05 = Math.log(0.5);
        assertEquals(0.5 * (2 * L15 * L15 + l09 * l09 + l05 * l05) / 4, result.metrics().get("approxkl"), 1e-12);
        assertEquals((1.5 + 1.5 + 0.9 + 0.5) / 4, result.metrics().get("ratio"), 1e-12);
        // a shard's part divides by the whole minibatch's tokens
        ClippedPolicyLoss.Result part = ClippedPolicyLoss.compute(new double[][] {logp[0]}, new double[][] {old[0]},
                new double[][] {advantages[0]}, 0.2, 4);
        assertEquals((-1.2 + 1.5) / 4, part.loss(), 1e-12);
        checkGradient(logp, result.dLogp(), () -> ClippedPolicyLoss.compute(logp, old, advantages, 0.2, 4).loss());
    }

    /** Each entry of {@code gradient} against central differences of {@code loss} in the matching entry of {@code x}. */
    private static void checkGradient(double[][] x, double[][] gradient, java.util.function.DoubleSupplier loss) {
        double eps = 1e-7;
        for (int i = 0; i < x.length; i++) {
            for (int t = 0; t < x[i].length; t++) {
                double keep = x[i][t];
                x[i][t] = keep + eps;
                double up = loss.getAsDouble();
                x[i][t] = keep - eps;
                double down = loss.getAsDouble();
                x[i][t] = keep;
                assertEquals((up - down) / (2 * eps), gradient[i][t], 1e-6, "token " + i + "," + t);
            }
        }
    }

    @Test
    void valueLossByHand() {
        // v 1.0 from 0.5, return 0.6: unclipped (0.16) > clipped (v_clip 0.7: 0.01); return 1.2: clipped (0.25) > 0.04;
        // v 0.3 from 0.4 (inside the range), return 0: both 0.09
        double[][] values = {{1.0, 1.0}, {0.3}};
        double[][] old = {{0.5, 0.5}, {0.4}};
        double[][] returns = {{0.6, 1.2}, {0.0}};
        ClippedValueLoss.Result result = ClippedValueLoss.compute(values, old, returns, 0.2, 3);
        assertEquals(0.5 * (0.16 + 0.25 + 0.09) / 3, result.loss(), 1e-12);
        assertArrayEquals(new double[] {0.4 / 3, 0}, result.dValues()[0], 1e-12);
        assertArrayEquals(new double[] {0.3 / 3}, result.dValues()[1], 1e-12);
        assertEquals(1 / 3.0, result.metrics().get("clipfrac"), 1e-12);
        assertEquals((0.16 + 0.04 + 0.09) / 3, result.metrics().get("error"), 1e-12);
        checkGradient(values, result.dValues(), () -> ClippedValueLoss.compute(values, old, returns, 0.2, 3).loss());
    }
}
