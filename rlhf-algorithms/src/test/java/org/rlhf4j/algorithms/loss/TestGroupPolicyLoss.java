package org.rlhf4j.algorithms.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.rlhf4j.algorithms.loss.GroupPolicyLoss.ImportanceSampling;
import org.rlhf4j.algorithms.loss.GroupPolicyLoss.LossType;
import org.rlhf4j.algorithms.loss.GroupPolicyLoss.Result;
import org.rlhf4j.algorithms.loss.GroupPolicyLoss.Settings;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.rlhf4j.engine.model.GradientCheckExtension;
import org.rlhf4j.engine.model.GradientCheckSettings;
import org.rlhf4j.engine.model.GradientChecker;

/**
 * The GRPO family's advantages, loss types, clip ranges and importance ratios against hand computations, and its gradient
 * against central differences in double precision (token and sequence ratios, with clipping binding on some tokens).
 */
@ExtendWith(GradientCheckExtension.class)
@GradientCheckSettings(samplesPerParameter = 8, tolerance = 1e-7)
class TestGroupPolicyLoss {
    private static final double LN_1_25 = Math.log(1.25);

    @Test
    void grpoAdvantagesAreGroupStandardisedAndRlooAdvantagesLeaveOneOut() {
        double s = Math.sqrt(2) + 1e-4; // the unbiased std of {1, 3}
        assertArrayEquals(new double[] {-1 / s, 1 / s, 0, 0},
                GroupPolicyLoss.advantages(new double[] {1, 3, 2, 2}, 2, GroupPolicyLoss.Baseline.GROUP), 1e-15);
        assertArrayEquals(new double[] {1 - 4, 2 - 3.5, 6 - 1.5},
                GroupPolicyLoss.advantages(new double[] {1, 2, 6}, 3, GroupPolicyLoss.Baseline.LEAVE_ONE_OUT), 1e-15);
    }

    @Test
    void scaleRewardsDividesByTheGroupsTheBatchsOrNoStandardDeviation() {
        double[] rewards = {1, 3, 2, 2};
        // batch: mean 2, unbiased variance (1 + 1 + 0 + 0) / 3
        double batch = Math.sqrt(2 / 3.0) + 1e-4;
        assertArrayEquals(new double[] {-1 / batch, 1 / batch, 0, 0}, GroupPolicyLoss.advantages(rewards, 2,
                GroupPolicyLoss.Baseline.GROUP, GroupPolicyLoss.ScaleRewards.BATCH), 1e-15);
        // none (Dr. GRPO): the reward minus the group's mean
        assertArrayEquals(new double[] {-1, 1, 0, 0}, GroupPolicyLoss.advantages(rewards, 2, GroupPolicyLoss.Baseline.GROUP,
                GroupPolicyLoss.ScaleRewards.NONE), 0.0);
    }

    @Test
    void lossTypesWeighTokensAsTrlDoes() {
        int[] lengths = {2, 6, 0};
        assertArrayEquals(new double[] {1 / 6.0, 1 / 18.0, 0}, GroupPolicyLoss.tokenWeights(lengths, LossType.GRPO, 10), 1e-15);
        assertArrayEquals(new double[] {1 / 8.0, 1 / 8.0, 0}, GroupPolicyLoss.tokenWeights(lengths, LossType.BNPO, 10), 1e-15);
        assertArrayEquals(new double[] {1 / 8.0, 1 / 8.0, 0}, GroupPolicyLoss.tokenWeights(lengths, LossType.DAPO, 10), 1e-15);
        assertArrayEquals(new double[] {1 / 30.0, 1 / 30.0, 0}, GroupPolicyLoss.tokenWeights(lengths, LossType.DR_GRPO, 10), 1e-15);
        // the older key: sequence is grpo, token is bnpo
        assertArrayEquals(GroupPolicyLoss.tokenWeights(lengths, LossType.GRPO, 1),
                GroupPolicyLoss.tokenWeights(lengths, GroupPolicyLoss.Normalisation.SEQUENCE), 0.0);
        assertArrayEquals(GroupPolicyLoss.tokenWeights(lengths, LossType.BNPO, 1),
                GroupPolicyLoss.tokenWeights(lengths, GroupPolicyLoss.Normalisation.TOKEN), 0.0);
    }

    @Test
    void dapoTokenLevelNormalisationWeighsALongResponseByItsTokens() {
        // a short response (2 tokens) with advantage +1 and a long one (6 tokens) with -1, on the first pass (rho = 1)
        double[][] logp = {{-1, -2}, {-1, -1, -1, -1, -1, -1}};
        double[][] advantages = GroupPolicyLoss.perToken(new double[] {1, -1}, logp);
        Settings settings = new Settings(0, 0.2, 0.2, ImportanceSampling.TOKEN);
        Result grpo = GroupPolicyLoss.compute(logp, logp, logp, advantages, GroupPolicyLoss.tokenWeights(new int[] {2, 6},
                LossType.GRPO, 40), settings);
        Result dapo = GroupPolicyLoss.compute(logp, logp, logp, advantages, GroupPolicyLoss.tokenWeights(new int[] {2, 6},
                LossType.DAPO, 40), settings);
        // GRPO: mean over sequences of their token means, (-1 + 1) / 2 = 0; DAPO: (2 (-1) + 6 (+1)) / 8 = 0.5
        assertEquals(0.0, grpo.loss(), 1e-15);
        assertEquals(0.5, dapo.loss(), 1e-15);
        // per token: GRPO gives the short response's tokens -1/4 and the long one's +1/12; DAPO every token 1/8
        assertArrayEquals(new double[] {-0.25, -0.25}, grpo.dLogp()[0], 1e-15);
        assertEquals(1 / 12.0, grpo.dLogp()[1][0], 1e-15);
        assertArrayEquals(new double[] {-0.125, -0.125}, dapo.dLogp()[0], 1e-15);
        assertEquals(0.125, dapo.dLogp()[1][5], 1e-15);
    }

    @Test
    void clipHigherLetsAPositiveAdvantageRaiseItsRatioFurther() {
        // one token, advantage +1, its probability up 25% since sampling: rho = 1.25
        double[][] logp = {{LN_1_25 - 2}};
        double[][] old = {{-2}};
        double[][] adv = {{1}};
        double[] w = {1};
        Result symmetric = GroupPolicyLoss.compute(logp, old, logp, adv, w, new Settings(0, 0.2, 0.2, ImportanceSampling.TOKEN));
        assertEquals(-1.2, symmetric.loss(), 1e-12, "clipped at 1 + eps = 1.2");
        assertEquals(0.0, symmetric.dLogp()[0][0], 0.0, "a clipped token pulls no more");
        assertEquals(1.0, symmetric.metrics().get("clip_ratio/high_mean"));
        assertEquals(0.0, symmetric.metrics().get("clip_ratio/low_mean"));
        Result higher = GroupPolicyLoss.compute(logp, old, logp, adv, w, new Settings(0, 0.2, 0.28, ImportanceSampling.TOKEN));
        assertEquals(-1.25, higher.loss(), 1e-12, "DAPO's epsilon_high 0.28: 1.25 is inside the range");
        assertEquals(-1.25, higher.dLogp()[0][0], 1e-12, "-A rho");
        assertEquals(0.0, higher.metrics().get("clip_ratio/region_mean"));
        // a negative advantage is clipped below: rho = 0.75 < 1 - 0.2, whatever epsilon_high
        Result low = GroupPolicyLoss.compute(new double[][] {{Math.log(0.75) - 2}}, old, old, new double[][] {{-1}}, w,
                new Settings(0, 0.2, 0.28, ImportanceSampling.TOKEN));
        assertEquals(0.8, low.loss(), 1e-12);
        assertEquals(0.0, low.dLogp()[0][0], 0.0);
        assertEquals(1.0, low.metrics().get("clip_ratio/low_mean"));
        // a negative advantage above the range is not clipped: the PPO bound is one-sided
        Result up = GroupPolicyLoss.compute(logp, old, logp, new double[][] {{-1}}, w, new Settings(0, 0.2, 0.2,
                ImportanceSampling.TOKEN));
        assertEquals(1.25, up.loss(), 1e-12);
        assertEquals(1.25, up.dLogp()[0][0], 1e-12);
    }

    @Test
    void gspoTakesOneRatioPerSequenceTheGeometricMeanOfItsTokens() {
        // log-ratios 0.1 and 0.3: GSPO's ratio e^0.2 = 1.2214 for both tokens; GRPO's e^0.1 = 1.105 and e^0.3 = 1.350
        double[][] old = {{-1, -2}};
        double[][] logp = {{-0.9, -1.7}};
        double[][] adv = {{0.5, 0.5}};
        double[] w = {0.5}; // GRPO's 1 / (1 sequence * 2 tokens)
        double rho = Math.exp(0.2);
        Result clipped = GroupPolicyLoss.compute(logp, old, logp, adv, w, new Settings(0, 0.2, 0.2, ImportanceSampling.SEQUENCE));
        assertEquals(-0.5 * 1.2, clipped.loss(), 1e-12, "both tokens clipped at 1.2");
        assertArrayEquals(new double[] {0, 0}, clipped.dLogp()[0], 0.0);
        assertEquals(1.0, clipped.metrics().get("clip_ratio/high_mean"), "one sequence, clipped");
        Result inside = GroupPolicyLoss.compute(logp, old, logp, adv, w, new Settings(0, 0.2, 0.28, ImportanceSampling.SEQUENCE));
        assertEquals(-0.5 * rho, inside.loss(), 1e-12);
        // dL/dlogp_u = w sum_t (-A) rho / n = 0.5 (-1) rho / 2 for each token: the sequence's tokens move together
        assertArrayEquals(new double[] {-0.25 * rho, -0.25 * rho}, inside.dLogp()[0], 1e-12);
        // token level: the first token inside the range, the second clipped
        Result token = GroupPolicyLoss.compute(logp, old, logp, adv, w, new Settings(0, 0.2, 0.28, ImportanceSampling.TOKEN));
        assertEquals(0.5 * (-0.5 * Math.exp(0.1) - 0.5 * 1.28), token.loss(), 1e-12);
        assertArrayEquals(new double[] {-0.25 * Math.exp(0.1), 0}, token.dLogp()[0], 1e-12);
        assertEquals(0.5, token.metrics().get("clip_ratio/high_mean"), "one token of two");
    }

    @Test
    void onTheFirstPassTheGradientIsExactlyThePolicyGradientWithTheKlTerm() {
        double[][] logp = {{-1, -2}};
        double[][] ref = {{-1.5, -2}};
        Result result = GroupPolicyLoss.compute(logp, ref, new double[] {0.5}, new double[] {0.5}, 0.1);
        double k3 = Math.exp(-0.5) + 0.5 - 1; // 0.10653065971263342
        // the surrogate -A rho at rho = 1, plus the KL term
        assertEquals(0.5 * (-0.5 + 0.1 * k3) + 0.5 * (-0.5), result.loss(), 1e-15);
        // exactly the gradient of GRPO's one-pass loss, w (-A + beta (1 - e^(ref - logp)))
        assertEquals(0.5 * (-0.5 + 0.1 * (1 - Math.exp(-1.5 - -1))), result.dLogp()[0][0], 0.0);
        assertEquals(0.5 * (-0.5 + 0.1 * (1 - Math.exp(0.0))), result.dLogp()[0][1], 0.0);
        assertEquals(k3 / 2, result.metrics().get("kl"), 1e-15);
        // at the reference the KL term and its gradient vanish
        Result atReference = GroupPolicyLoss.compute(logp, logp, new double[] {2}, new double[] {1 / 3.0}, 5);
        assertEquals(0.0, atReference.metrics().get("kl"));
        assertArrayEquals(new double[] {-2 / 3.0, -2 / 3.0}, atReference.dLogp()[0], 1e-15);
    }

    @Test
    void shardPartsAddUp() {
        double[][] logp = {{-0.9, -1.7}, {-3.0}};
        double[][] old = {{-1, -2}, {-2.5}};
        double[][] adv = {{1, 1}, {-1}};
        double[] w = {0.25, 0.5};
        Settings settings = new Settings(0.04, 0.2, 0.28, ImportanceSampling.TOKEN);
        Result whole = GroupPolicyLoss.compute(logp, old, old, adv, w, settings);
        Result a = GroupPolicyLoss.compute(new double[][] {logp[0]}, new double[][] {old[0]}, new double[][] {old[0]},
                new double[][] {adv[0]}, new double[] {w[0]}, settings);
        Result b = GroupPolicyLoss.compute(new double[][] {logp[1]}, new double[][] {old[1]}, new double[][] {old[1]},
                new double[][] {adv[1]}, new double[] {w[1]}, settings);
        Result sum = a.plus(b);
        assertEquals(whole.loss(), sum.loss(), 1e-15);
        assertEquals(whole.metrics(), sum.metrics());
        assertArrayEquals(whole.dLogp()[1], sum.dLogp()[1], 0.0);
        assertThrows(IllegalArgumentException.class, () -> new Settings(-1, 0.2, 0.2, ImportanceSampling.TOKEN));
        assertThrows(IllegalArgumentException.class, () -> new Settings(0, 1.0, 0.2, ImportanceSampling.TOKEN));
    }

    @Test
    void tokenRatioGradientMatchesFiniteDifferences(GradientChecker checker) {
        check(checker, ImportanceSampling.TOKEN);
    }

    @Test
    void sequenceRatioGradientMatchesFiniteDifferences(GradientChecker checker) {
        check(checker, ImportanceSampling.SEQUENCE);
    }

    /**
     * Three sequences after a few updates (token ratios from 0.6 to 1.4, sequence ratios from 0.74 to 1.31, away from the clip range's edges), per-token
     * advantages of both signs, DAPO's clip range and a KL term: the analytic gradient against central differences.
     */
    private static void check(GradientChecker checker, ImportanceSampling level) {
        double[][] old = {{-1.0, -2.0, -0.5}, {-3.0, -0.25}, {-1.5, -1.0, -2.0, -0.75}};
        double[][] shift = {{0.3, 0.2, 0.3}, {-0.5, -0.1}, {0.05, 0.34, -0.2, 0.15}};
        double[][] ref = {{-1.2, -1.9, -0.7}, {-2.5, -0.4}, {-1.6, -1.3, -1.8, -0.6}};
        double[][] adv = {{1.0, 1.0, 1.0}, {-0.7, -0.7}, {0.4, -0.3, 0.9, 0.2}};
        double[] w = GroupPolicyLoss.tokenWeights(new int[] {3, 2, 4}, LossType.DAPO, 40);
        Settings settings = new Settings(0.04, 0.2, 0.28, level);
        Map<String, INDArray> params = new LinkedHashMap<>();
        for (int i = 0; i < old.length; i++) {
            double[] at = new double[old[i].length];
            for (int t = 0; t < at.length; t++) {
                at[t] = old[i][t] + shift[i][t];
            }
            params.put("seq" + i, Nd4j.createFromArray(at));
        }
        java.util.function.Supplier<Result> value = () -> {
            double[][] logp = new double[old.length][];
            for (int i = 0; i < old.length; i++) {
                logp[i] = params.get("seq" + i).toDoubleVector();
            }
            return GroupPolicyLoss.compute(logp, old, ref, adv, w, settings);
        };
        Result at = value.get();
        assertTrue(at.clippedLow() + at.clippedHigh() > 0, "clipping binds somewhere: " + at.metrics());
        Map<String, INDArray> analytic = new LinkedHashMap<>();
        for (int i = 0; i < old.length; i++) {
            analytic.put("seq" + i, Nd4j.createFromArray(at.dLogp()[i]));
        }
        GradientChecker.Report report = checker.check("GroupPolicyLoss " + level, params, analytic, () -> value.get().loss());
        assertTrue(report.worstRelative() < 1e-7, report.summary());
    }
}
