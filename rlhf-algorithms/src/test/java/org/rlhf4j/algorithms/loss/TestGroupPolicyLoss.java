package org.rlhf4j.algorithms.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** GRPO's and RLOO's advantages, the loss normalisations and the loss with its KL term, against hand computations. */
class TestGroupPolicyLoss {
    @Test
    void grpoAdvantagesAreGroupStandardisedAndRlooAdvantagesLeaveOneOut() {
        double s = Math.sqrt(2) + 1e-4; // the unbiased std of {1, 3}
        assertArrayEquals(new double[] {-1 / s, 1 / s, 0, 0},
                GroupPolicyLoss.advantages(new double[] {1, 3, 2, 2}, 2, GroupPolicyLoss.Baseline.GROUP), 1e-15);
        assertArrayEquals(new double[] {1 - 4, 2 - 3.5, 6 - 1.5},
                GroupPolicyLoss.advantages(new double[] {1, 2, 6}, 3, GroupPolicyLoss.Baseline.LEAVE_ONE_OUT), 1e-15);
    }

    @Test
    void sequenceNormalisationAveragesPerSequenceTokenNormalisationOverAllTokens() {
        assertArrayEquals(new double[] {1 / 6.0, 1 / 12.0, 0},
                GroupPolicyLoss.tokenWeights(new int[] {2, 4, 0}, GroupPolicyLoss.Normalisation.SEQUENCE), 1e-15);
        assertArrayEquals(new double[] {1 / 6.0, 1 / 6.0, 0},
                GroupPolicyLoss.tokenWeights(new int[] {2, 4, 0}, GroupPolicyLoss.Normalisation.TOKEN), 1e-15);
    }

    @Test
    void lossAndGradientByHand() {
        double[][] logp = {{-1, -2}};
        double[][] ref = {{-1.5, -2}};
        GroupPolicyLoss.Result result = GroupPolicyLoss.compute(logp, ref, new double[] {0.5}, new double[] {0.5}, 0.1);
        double k3 = Math.exp(-0.5) + 0.5 - 1; // 0.10653065971263342
        assertEquals(0.5 * (0.5 + 0.1 * k3) + 0.5 * 1.0, result.loss(), 1e-15);
        assertEquals(0.7553265329856317, result.loss(), 1e-15);
        assertArrayEquals(new double[] {0.5 * (-0.5 + 0.1 * (1 - Math.exp(-0.5))), -0.25}, result.dLogp()[0], 1e-15);
        assertEquals(k3 / 2, result.metrics().get("kl"), 1e-15);
        // the gradient against central differences of the loss
        double eps = 1e-6;
        for (int t = 0; t < 2; t++) {
            double[][] up = {logp[0].clone()};
            double[][] down = {logp[0].clone()};
            up[0][t] += eps;
            down[0][t] -= eps;
            double numeric = (GroupPolicyLoss.compute(up, ref, new double[] {0.5}, new double[] {0.5}, 0.1).loss()
                    - GroupPolicyLoss.compute(down, ref, new double[] {0.5}, new double[] {0.5}, 0.1).loss()) / (2 * eps);
            assertEquals(numeric, result.dLogp()[0][t], 1e-8);
        }
    }

    @Test
    void atTheReferenceTheKlTermIsZeroAndTheGradientIsThePolicyGradient() {
        double[][] logp = {{-0.3, -1.2, -0.7}};
        GroupPolicyLoss.Result result = GroupPolicyLoss.compute(logp, logp, new double[] {2}, new double[] {1 / 3.0}, 5);
        assertEquals(0.0, result.metrics().get("kl"));
        assertEquals(-2 * (-0.3 - 1.2 - 0.7) / 3, result.loss(), 1e-15);
        assertArrayEquals(new double[] {-2 / 3.0, -2 / 3.0, -2 / 3.0}, result.dLogp()[0], 1e-15);
    }
}
