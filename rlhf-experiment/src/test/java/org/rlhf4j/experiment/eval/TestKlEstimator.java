package org.rlhf4j.experiment.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TestKlEstimator {
    @Test
    void identicalLogprobsGiveExactlyZero() {
        double[][] logprobs = {{-0.1, -2.5, -7.0}, {-3.3}, {}};
        for (KlEstimator estimator : KlEstimator.values()) {
            assertEquals(0.0, estimator.mean(logprobs, logprobs), estimator.name());
            assertEquals(0.0, estimator.sequence(new float[] {-1.5f, -0.2f}, new float[] {-1.5f, -0.2f}), estimator.name());
        }
    }

    @Test
    void handComputedSequence() {
        double[] policy = {-1.0, -2.0};
        double[] reference = {-1.5, -1.0};
        // d = policy - reference = {0.5, -1.0}
        assertEquals(-0.5, KlEstimator.K1.sequence(policy, reference), 1e-12);
        assertEquals(0.5 * (0.25 + 1.0), KlEstimator.K2.sequence(policy, reference), 1e-12);
        // r = -d = {-0.5, 1.0}: (e^-0.5 - 1 + 0.5) + (e^1 - 1 - 1)
        assertEquals(0.824812488, KlEstimator.K3.sequence(policy, reference), 1e-9);
        // Batch = mean over sequences of the per-sequence sums.
        double[][] policies = {policy, {-0.3}};
        double[][] references = {reference, {-0.3}};
        assertEquals(-0.25, KlEstimator.K1.mean(policies, references), 1e-12);
    }

    @Test
    void k1AndK3AreUnbiasedK2IsNot() {
        // One-token vocabulary of two symbols: p = (0.7, 0.3), q = (0.4, 0.6). Exact expectation under p.
        double[] p = {0.7, 0.3};
        double[] q = {0.4, 0.6};
        double trueKl = 0.7 * Math.log(0.7 / 0.4) + 0.3 * Math.log(0.3 / 0.6);
        assertEquals(0.1837868973, trueKl, 1e-9);
        for (KlEstimator estimator : KlEstimator.values()) {
            double expectation = 0;
            for (int a = 0; a < 2; a++) {
                expectation += p[a] * estimator.sequence(new double[] {Math.log(p[a])}, new double[] {Math.log(q[a])});
            }
            if (estimator == KlEstimator.K2) {
                assertNotEquals(trueKl, expectation, 1e-3);
            } else {
                assertEquals(trueKl, expectation, 1e-12, estimator.name());
            }
        }
    }

    @Test
    void k3IsNeverNegative() {
        for (double d = -5; d <= 5; d += 0.25) {
            assertTrue(KlEstimator.K3.token(d, 0.0) >= 0.0, "d=" + d);
        }
    }

    @Test
    void rejectsMismatchedShapes() {
        assertThrows(IllegalArgumentException.class, () -> KlEstimator.K1.sequence(new double[2], new double[3]));
        assertThrows(IllegalArgumentException.class, () -> KlEstimator.K1.mean(new double[2][1], new double[1][1]));
        assertThrows(IllegalArgumentException.class, () -> KlEstimator.K1.mean(new double[0][], new double[0][]));
    }
}
