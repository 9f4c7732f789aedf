package org.rlhf4j.feedback.gan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.rlhf4j.engine.model.GradientCheckExtension;
import org.rlhf4j.engine.model.GradientCheckSettings;
import org.rlhf4j.engine.model.GradientChecker;
import org.rlhf4j.engine.model.HandReads;
import org.rlhf4j.engine.model.Heads;
import org.rlhf4j.engine.model.ParamNames;
import org.rlhf4j.engine.model.TransformerConfig;
import org.rlhf4j.engine.model.TransformerWeights;
import org.rlhf4j.engine.optim.AdamW;
import org.rlhf4j.engine.optim.LrSchedule;
import org.rlhf4j.engine.tokenizer.SequenceEncoder.Encoded;

/**
 * One discriminator step on the data-parallel path: its loss against {@link DiscriminatorLoss} of logits read by hand
 * from a plain forward pass, and its gradient (backbone and scalar head) against finite differences in double
 * precision, with 1 and 2 shards.
 */
@ExtendWith(GradientCheckExtension.class)
@GradientCheckSettings(samplesPerParameter = 4)
class TestDiscriminatorStep {
    /** A tiny backbone (the reward model tests' shape). */
    private static final TransformerConfig CONFIG = TransformerConfig.of(11, 8, 2, 2, 6);

    /** Two real rows (one smoothed) and two fakes, of 3 to 6 tokens in a context of 6. */
    private static final List<Encoded> SEQUENCES = List.of(new Encoded(new int[] {1, 4, 5, 9, 2}, 2),
            new Encoded(new int[] {1, 6, 6, 8, 10, 2}, 3), new Encoded(new int[] {1, 9, 2}, 2),
            new Encoded(new int[] {1, 5, 4, 7, 8, 2}, 2));
    private static final double[] TARGETS = {1, 0.9, 0, 0};

    private static DiscriminatorStep step(TransformerWeights w, int workers) {
        Map<String, INDArray> buffers = new AdamW(w, AdamW.Config.defaults(LrSchedule.constant(1e-3))).gradientBuffers();
        return new DiscriminatorStep(w, 4, workers, buffers);
    }

    @ParameterizedTest(name = "{0} workers")
    @ValueSource(ints = {1, 2})
    void lossIsTheCrossEntropyOfLogitsReadByHand(int workers) {
        TransformerWeights w = GradientChecker.curvedWeights(CONFIG, Heads.SCALAR, 7);
        double[] logits = SEQUENCES.stream().mapToDouble(e -> HandReads.scalarScore(w, e)).toArray();
        try (DiscriminatorStep step = step(w, workers)) {
            DiscriminatorStep.Result result = step.compute(SEQUENCES, TARGETS, 0.05);
            assertArrayEquals(logits, result.logits(), 1e-10);
            assertEquals(DiscriminatorLoss.compute(logits, TARGETS, 0.05, 4).loss(), result.loss(), 1e-12);
            System.out.printf("discriminator step, %d workers: loss %.9f, logits %s%n", workers, result.loss(),
                    java.util.Arrays.toString(result.logits()));
        }
    }

    @ParameterizedTest(name = "{0} workers")
    @ValueSource(ints = {1, 2})
    void gradientMatchesFiniteDifferences(int workers, GradientChecker checker) {
        TransformerWeights w = GradientChecker.curvedWeights(CONFIG, Heads.SCALAR, 7);
        try (DiscriminatorStep step = step(w, workers)) {
            double loss = step.compute(SEQUENCES, TARGETS, 0.05).loss();
            assertTrue(step.gradients().get(ParamNames.HEAD_W).amaxNumber().doubleValue() > 0, "a head gradient");
            GradientChecker.Report report = checker.check("discriminator step, " + workers + " workers", w, step.gradients(),
                    () -> step.compute(SEQUENCES, TARGETS, 0.05).loss());
            assertEquals(loss, report.loss(), 0.0);
        }
    }
}
