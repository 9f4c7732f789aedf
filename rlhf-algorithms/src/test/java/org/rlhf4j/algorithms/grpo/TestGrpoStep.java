package org.rlhf4j.algorithms.grpo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.rlhf4j.algorithms.loss.GroupPolicyLoss;
import org.rlhf4j.algorithms.loss.GroupPolicyLoss.ImportanceSampling;
import org.rlhf4j.algorithms.loss.GroupPolicyLoss.LossType;
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
 * One GRPO-family update on the data-parallel path: the reference's and the policy's forward-only log-probs are those of
 * plain forward passes read by hand; the loss equals {@link GroupPolicyLoss} on them, against the log-probs of an older
 * policy (a later pass over the batch: ratios away from 1, clipping binding on some tokens) with GRPO's and DAPO's
 * settings, token and sequence (GSPO) ratios; and the gradient of every parameter matches finite differences in double
 * precision, with 1 and 2 shards. The first pass (no old log-probs) is exactly the plain policy gradient.
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

    private static int[] lengths() {
        return SEQUENCES.stream().mapToInt(Encoded::responseLength).toArray();
    }

    private static GrpoStep step(TransformerWeights policy, TransformerWeights reference, int workers) {
        Map<String, INDArray> buffers = new AdamW(policy, AdamW.Config.defaults(LrSchedule.constant(1e-3))).gradientBuffers();
        return new GrpoStep(policy, reference, 4, 2, workers, buffers);
    }

    private static double[][] read(TransformerWeights model) {
        double[][] out = new double[SEQUENCES.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = HandReads.responseLogProbs(model, SEQUENCES.get(i));
        }
        return out;
    }

    @ParameterizedTest(name = "{0}, epsilon_high {1}, {2} ratios, {3} workers")
    @CsvSource({"GRPO, 0.2, TOKEN, 1", "DAPO, 0.28, TOKEN, 2", "GRPO, 0.2, SEQUENCE, 2", "DR_GRPO, 0.28, SEQUENCE, 1"})
    void aLaterPassIsTheLossOfLogProbsReadByHandAndEveryGradientMatchesFiniteDifferences(LossType type, double epsilonHigh,
            ImportanceSampling level, int workers, GradientChecker checker) {
        TransformerWeights policy = GradientChecker.curvedWeights(CONFIG, Heads.LM, 3);
        TransformerWeights sampler = GradientChecker.curvedWeights(CONFIG, Heads.LM, 5); // the policy that sampled the batch
        TransformerWeights reference = GradientChecker.curvedWeights(CONFIG, Heads.LM, 7);
        double[][] logp = read(policy);
        double[][] old = read(sampler);
        double[][] ref = read(reference);
        double[][] advantages = GroupPolicyLoss.perToken(ADVANTAGES, logp);
        double[] weights = GroupPolicyLoss.tokenWeights(lengths(), type, 5);
        GroupPolicyLoss.Settings settings = new GroupPolicyLoss.Settings(BETA, 0.2, epsilonHigh, level);
        GroupPolicyLoss.Result expected = GroupPolicyLoss.compute(logp, old, ref, advantages, weights, settings);
        try (GrpoStep step = step(policy, reference, workers)) {
            double[][] forwardRef = step.referenceLogProbs(SEQUENCES);
            double[][] forwardPolicy = step.policyLogProbs(SEQUENCES);
            for (int i = 0; i < SEQUENCES.size(); i++) {
                assertArrayEquals(ref[i], forwardRef[i], 1e-12);
                assertArrayEquals(logp[i], forwardPolicy[i], 1e-12);
            }
            GrpoStep.Result result = step.update(SEQUENCES, old, forwardRef, advantages, weights, settings);
            assertEquals(expected.loss(), result.loss(), 1e-12);
            expected.metrics().forEach((name, value) -> assertEquals(value, result.losses().metrics().get(name), 1e-12, name));
            System.out.printf("GRPO-family update (%s, %s ratios, epsilon_high %.2f): loss %.9f, %s%n", type, level, epsilonHigh,
                    result.loss(), result.losses().metrics());
            GradientChecker.Report report = checker.check("GRPO update " + type + " " + level + ", " + workers + " workers", policy,
                    step.gradients(), () -> step.update(SEQUENCES, old, forwardRef, advantages, weights, settings).loss());
            assertEquals(result.loss(), report.loss(), 0.0);
        }
    }

    @Test
    void theFirstPassIsThePlainPolicyGradientWithTheKlTerm() {
        TransformerWeights policy = GradientChecker.curvedWeights(CONFIG, Heads.LM, 3);
        TransformerWeights reference = GradientChecker.curvedWeights(CONFIG, Heads.LM, 7);
        double[][] logp = read(policy);
        double[][] ref = read(reference);
        double[] weights = GroupPolicyLoss.tokenWeights(lengths(), LossType.GRPO, 5);
        try (GrpoStep first = step(policy, reference, 2); GrpoStep reinforce = step(policy, reference, 2)) {
            GrpoStep.Result result = first.update(SEQUENCES, null, first.referenceLogProbs(SEQUENCES),
                    GroupPolicyLoss.perToken(ADVANTAGES, logp), weights, new GroupPolicyLoss.Settings(BETA, 0.2, 0.2,
                            ImportanceSampling.TOKEN));
            for (int i = 0; i < SEQUENCES.size(); i++) {
                assertArrayEquals(logp[i], result.logp()[i], 1e-12, "the pass's own log-probs are the old ones of later passes");
            }
            // the same gradient as REINFORCE with the KL term, sum_i w_i sum_t (-A_i logp_it + beta k3_it), read as a loss of
            // the policy alone: the surrogate's gradient at ratio 1 is -A
            double[][] ones = new double[4][];
            for (int i = 0; i < 4; i++) {
                ones[i] = logp[i].clone();
            }
            GrpoStep.Result fixedOld = reinforce.update(SEQUENCES, ones, reinforce.referenceLogProbs(SEQUENCES),
                    GroupPolicyLoss.perToken(ADVANTAGES, logp), weights, new GroupPolicyLoss.Settings(BETA, 0.2, 0.2,
                            ImportanceSampling.TOKEN));
            assertEquals(fixedOld.loss(), result.loss(), 1e-12);
            for (Map.Entry<String, INDArray> e : first.gradients().entrySet()) {
                double diff = e.getValue().sub(reinforce.gradients().get(e.getKey())).norm2Number().doubleValue();
                assertTrue(diff < 1e-9 * Math.max(1, e.getValue().norm2Number().doubleValue()), e.getKey() + ": " + diff);
            }
            assertEquals(0.0, result.losses().metrics().get("clip_ratio/region_mean"));
        }
    }
}
