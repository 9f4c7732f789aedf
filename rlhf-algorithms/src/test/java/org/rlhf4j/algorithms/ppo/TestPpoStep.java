package org.rlhf4j.algorithms.ppo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.rlhf4j.algorithms.loss.ClippedPolicyLoss;
import org.rlhf4j.algorithms.loss.ClippedValueLoss;
import org.rlhf4j.engine.model.GradientCheckExtension;
import org.rlhf4j.engine.model.GradientCheckSettings;
import org.rlhf4j.engine.model.GradientChecker;
import org.rlhf4j.engine.model.HandReads;
import org.rlhf4j.engine.model.Heads;
import org.rlhf4j.engine.model.Nd4jBackprop;
import org.rlhf4j.engine.model.ParamNames;
import org.rlhf4j.engine.model.TransformerConfig;
import org.rlhf4j.engine.model.TransformerWeights;
import org.rlhf4j.engine.optim.AdamW;
import org.rlhf4j.engine.optim.LrSchedule;
import org.rlhf4j.engine.tokenizer.SequenceEncoder.Encoded;

/**
 * PPO's passes on the data-parallel path: log-probs and per-token values equal those read by hand from plain forward
 * passes; the clipped surrogate and the clipped value loss equal {@link ClippedPolicyLoss} and {@link ClippedValueLoss}
 * of those; and every gradient of the policy and of the critic matches finite differences in double precision, with
 * 1 and 2 shards.
 */
@ExtendWith(GradientCheckExtension.class)
@GradientCheckSettings(samplesPerParameter = 4)
class TestPpoStep {
    private static final TransformerConfig CONFIG = TransformerConfig.of(11, 8, 2, 2, 6);

    private static final List<Encoded> SEQUENCES = List.of(
            new Encoded(new int[] {1, 4, 5, 9, 2}, 2), new Encoded(new int[] {1, 4, 7}, 2),
            new Encoded(new int[] {1, 6, 6, 8, 10, 2}, 3), new Encoded(new int[] {1, 6, 6, 3}, 3));

    private static PpoStep step(TransformerWeights policy, TransformerWeights reference, TransformerWeights critic, int workers) {
        Map<String, INDArray> policyBuffers = new AdamW(policy, AdamW.Config.defaults(LrSchedule.constant(1e-3))).gradientBuffers();
        Map<String, INDArray> criticBuffers = new AdamW(critic, AdamW.Config.defaults(LrSchedule.constant(1e-3))).gradientBuffers();
        return new PpoStep(policy, reference, List.of(critic), 4, workers, policyBuffers, List.of(criticBuffers));
    }

    /** The critic's value of the state before each response token of {@code e}, by hand. */
    private static double[] values(TransformerWeights critic, Encoded e) {
        int[] t = e.tokens();
        int[] ids = Arrays.copyOf(t, t.length - 1);
        Nd4jBackprop pass = new Nd4jBackprop(critic, 1, ids.length);
        pass.forward(new int[][] {ids}, false);
        INDArray hidden = pass.hidden();
        INDArray w = critic.get(ParamNames.HEAD_W);
        double b = critic.get(ParamNames.HEAD_B).getDouble(0);
        double[] out = new double[t.length - e.promptLength()];
        for (int j = e.promptLength() - 1; j < ids.length; j++) {
            double v = b;
            for (int d = 0; d < CONFIG.dModel(); d++) {
                v += hidden.getDouble(j, d) * w.getDouble(d, 0);
            }
            out[j - e.promptLength() + 1] = v;
        }
        return out;
    }

    /** Values shifted by {@code +-0.3} alternately, so that some tokens fall outside a 0.2 clip range. */
    private static double[][] shifted(double[][] values) {
        double[][] out = new double[values.length][];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i].clone();
            for (int t = 0; t < out[i].length; t++) {
                out[i][t] += (i + t) % 3 == 0 ? 0.3 : (i + t) % 3 == 1 ? -0.3 : 0.05;
            }
        }
        return out;
    }

    @ParameterizedTest(name = "{0} workers")
    @ValueSource(ints = {1, 2})
    void surrogateAndValueLossesMatchHandReadsAndFiniteDifferences(int workers, GradientChecker checker) {
        TransformerWeights policy = GradientChecker.curvedWeights(CONFIG, Heads.LM, 3);
        TransformerWeights reference = GradientChecker.curvedWeights(CONFIG, Heads.LM, 7);
        TransformerWeights critic = GradientChecker.curvedWeights(CONFIG, Heads.SCALAR, 5);
        double[][] logp = new double[4][];
        double[][] ref = new double[4][];
        double[][] value = new double[4][];
        for (int i = 0; i < 4; i++) {
            logp[i] = HandReads.responseLogProbs(policy, SEQUENCES.get(i));
            ref[i] = HandReads.responseLogProbs(reference, SEQUENCES.get(i));
            value[i] = values(critic, SEQUENCES.get(i));
        }
        double[][] oldLogp = shifted(logp);
        double[][] oldValues = shifted(value);
        double[][] advantages = {{0.7, -0.2, 1.1}, {-0.7}, {1.2, 0.4, -0.3}, {-1.2}};
        double[][] returns = {{0.1, 0.5, -0.2}, {0.9}, {-0.4, 0.3, 0.2}, {0.0}};
        try (PpoStep step = step(policy, reference, critic, workers)) {
            double[][] passLogp = step.policyLogProbs(SEQUENCES);
            double[][] passRef = step.referenceLogProbs(SEQUENCES);
            double[][] passValues = step.values(0, SEQUENCES);
            for (int i = 0; i < 4; i++) {
                assertArrayEquals(logp[i], passLogp[i], 1e-12);
                assertArrayEquals(ref[i], passRef[i], 1e-12);
                assertArrayEquals(value[i], passValues[i], 1e-12);
            }
            ClippedPolicyLoss.Result expected = ClippedPolicyLoss.compute(logp, oldLogp, advantages, 0.2, 8);
            PpoStep.Update policyUpdate = step.policyUpdate(SEQUENCES, oldLogp, advantages, 0.2);
            assertEquals(expected.loss(), policyUpdate.loss(), 1e-12);
            assertEquals(expected.metrics().get("clipfrac"), policyUpdate.metrics().get("clipfrac"), 1e-12);
            assertTrue(expected.metrics().get("clipfrac") > 0 && expected.metrics().get("clipfrac") < 1, "some tokens clip, some not");
            GradientChecker.Report policyReport = checker.check("PPO surrogate, " + workers + " workers", policy, step.policyGradients(),
                    () -> step.policyUpdate(SEQUENCES, oldLogp, advantages, 0.2).loss());
            assertEquals(policyUpdate.loss(), policyReport.loss(), 0.0);

            ClippedValueLoss.Result expectedValue = ClippedValueLoss.compute(value, oldValues, returns, 0.2, 8);
            PpoStep.Update criticUpdate = step.criticUpdate(0, SEQUENCES, oldValues, returns, 0.2);
            assertEquals(expectedValue.loss(), criticUpdate.loss(), 1e-12);
            assertEquals(expectedValue.metrics().get("clipfrac"), criticUpdate.metrics().get("clipfrac"), 1e-12);
            GradientChecker.Report criticReport = checker.check("PPO value loss, " + workers + " workers", critic, step.criticGradients(0),
                    () -> step.criticUpdate(0, SEQUENCES, oldValues, returns, 0.2).loss());
            assertEquals(criticUpdate.loss(), criticReport.loss(), 0.0);
        }
    }
}
