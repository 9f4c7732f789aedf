package org.rlhf4j.algorithms.grpo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.rlhf4j.algorithms.loss.GroupPolicyLoss;
import org.rlhf4j.engine.model.GradientCheckExtension;
import org.rlhf4j.engine.model.GradientCheckSettings;
import org.rlhf4j.engine.model.GradientChecker;
import org.rlhf4j.engine.model.HandReads;
import org.rlhf4j.engine.model.Heads;
import org.rlhf4j.engine.model.TransformerConfig;
import org.rlhf4j.engine.model.TransformerWeights;
import org.rlhf4j.engine.optim.AdamW;
import org.rlhf4j.engine.optim.LrSchedule;
import org.rlhf4j.engine.tokenizer.SequenceEncoder.Encoded;

/**
 * One GRPO step on the data-parallel path: the loss equals {@link GroupPolicyLoss} on log-probs read by hand from
 * plain forward passes of the policy and the reference, and the gradient of every parameter matches finite
 * differences in double precision, with 1 and 2 shards.
 */
@ExtendWith(GradientCheckExtension.class)
@GradientCheckSettings(samplesPerParameter = 4)
class TestGrpoStep {
    private static final TransformerConfig CONFIG = TransformerConfig.of(11, 8, 2, 2, 6);

    /** Two groups of two rollouts (prompt, then the sampled response). */
    private static final List<Encoded> SEQUENCES = List.of(
            new Encoded(new int[] {1, 4, 5, 9, 2}, 2), new Encoded(new int[] {1, 4, 7}, 2),
            new Encoded(new int[] {1, 6, 6, 8, 10, 2}, 3), new Encoded(new int[] {1, 6, 6, 3}, 3));
    private static final double[] ADVANTAGES = {0.7, -0.7, 1.2, -1.2};
    private static final double BETA = 0.3;

    private static double[] weights() {
        int[] lengths = SEQUENCES.stream().mapToInt(e -> e.tokens().length - e.promptLength()).toArray();
        return GroupPolicyLoss.tokenWeights(lengths, GroupPolicyLoss.Normalisation.SEQUENCE);
    }

    private static GrpoStep step(TransformerWeights policy, TransformerWeights reference, int workers) {
        Map<String, INDArray> buffers = new AdamW(policy, AdamW.Config.defaults(LrSchedule.constant(1e-3))).gradientBuffers();
        return new GrpoStep(policy, reference, 4, 2, workers, buffers);
    }

    @ParameterizedTest(name = "{0} workers")
    @ValueSource(ints = {1, 2})
    void lossIsGroupPolicyLossOfLogProbsReadByHandAndEveryGradientMatchesFiniteDifferences(int workers, GradientChecker checker) {
        TransformerWeights policy = GradientChecker.curvedWeights(CONFIG, Heads.LM, 3);
        TransformerWeights reference = GradientChecker.curvedWeights(CONFIG, Heads.LM, 7);
        double[][] logp = new double[4][];
        double[][] ref = new double[4][];
        for (int i = 0; i < 4; i++) {
            logp[i] = HandReads.responseLogProbs(policy, SEQUENCES.get(i));
            ref[i] = HandReads.responseLogProbs(reference, SEQUENCES.get(i));
        }
        GroupPolicyLoss.Result expected = GroupPolicyLoss.compute(logp, ref, ADVANTAGES, weights(), BETA);
        try (GrpoStep step = step(policy, reference, workers)) {
            GrpoStep.Result result = step.compute(SEQUENCES, ADVANTAGES, weights(), BETA);
            assertEquals(expected.loss(), result.loss(), 1e-12);
            assertEquals(expected.metrics().get("kl"), result.kl(), 1e-12);
            assertTrue(result.kl() > 0);
            GradientChecker.Report report = checker.check("GRPO step, " + workers + " workers", policy, step.gradients(),
                    () -> step.compute(SEQUENCES, ADVANTAGES, weights(), BETA).loss());
            assertEquals(result.loss(), report.loss(), 0.0);
        }
    }
}
