package org.rlhf4j.algorithms.direct;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.rlhf4j.algorithms.loss.KtoLoss;
import org.rlhf4j.algorithms.loss.PairLogProbs;
import org.rlhf4j.algorithms.loss.PairLoss;
import org.rlhf4j.algorithms.preference.LabelledPair;
import org.rlhf4j.api.feedback.Choice;
import org.rlhf4j.engine.model.GradientCheckExtension;
import org.rlhf4j.engine.model.GradientCheckSettings;
import org.rlhf4j.engine.model.GradientChecker;
import org.rlhf4j.engine.model.HandReads;
import org.rlhf4j.engine.model.Heads;
import org.rlhf4j.engine.model.TransformerConfig;
import org.rlhf4j.engine.model.TransformerWeights;
import org.rlhf4j.engine.optim.AdamW;
import org.rlhf4j.engine.optim.LrSchedule;
import org.rlhf4j.engine.tokenizer.SequenceEncoder;
import org.rlhf4j.engine.tokenizer.SequenceEncoder.Encoded;
import org.rlhf4j.engine.tokenizer.WordTokenizer;
import org.rlhf4j.engine.train.StepResult;

/**
 * A KTO step on the data-parallel path: its mismatched examples (each prompt with the next pair's responses), its
 * reference point from their log-probs under the policy and the reference read by hand, the loss at that point, and its
 * gradient (the reference point held fixed, as TRL detaches it) against finite differences in double precision.
 */
@ExtendWith(GradientCheckExtension.class)
@GradientCheckSettings(samplesPerParameter = 4)
class TestKtoStep {
    private static final WordTokenizer TOKENIZER = new WordTokenizer(List.of("<pad>", "<bos>", "<eos>", "<unk>", "good", "great", "fine",
            "bad", "awful", "meh", "the", "product", "is"), true);
    private static final SequenceEncoder ENCODER = new SequenceEncoder(TOKENIZER, 8);
    private static final TransformerConfig CONFIG = TransformerConfig.of(TOKENIZER.vocabSize(), 8, 2, 2, 8);
    private static final List<LabelledPair> LABELLED = List.of(
            new LabelledPair("the product", "is great", "is awful", Choice.A, 1.0, java.util.Optional.empty()),
            new LabelledPair("product", "bad", "good fine", Choice.B, 1.0, java.util.Optional.empty()),
            new LabelledPair("the", "meh", "product is bad", Choice.B, 1.0, java.util.Optional.empty()));

    private static List<Encoded[]> pairs() {
        return LABELLED.stream().map(p -> new Encoded[] {ENCODER.encode(p.prompt(), p.chosen()), ENCODER.encode(p.prompt(),
                p.rejected())}).toList();
    }

    /** The log-prob of {@code e}'s response tokens by hand: one unpadded row, log softmax summed over the response. */
    private static double logProb(TransformerWeights w, Encoded e) {
        return HandReads.responseLogProb(w, e);
    }

    @Test
    void mismatchedExamplesPairEachPromptWithTheNextPairsResponses() {
        List<Encoded[]> mismatched = KtoStep.mismatched(LABELLED, ENCODER);
        // pair 0's prompt with pair 1's chosen ("good fine": B was better) and rejected ("bad"); the last with the first's
        assertEquals(Arrays.toString(ENCODER.encode("the product", "good fine").tokens()), Arrays.toString(mismatched.get(0)[0].tokens()));
        assertEquals(Arrays.toString(ENCODER.encode("the product", "bad").tokens()), Arrays.toString(mismatched.get(0)[1].tokens()));
        assertEquals(Arrays.toString(ENCODER.encode("the", "is great").tokens()), Arrays.toString(mismatched.get(2)[0].tokens()));
    }

    @Test
    void theReferencePointAndTheLossAreThoseOfLogProbsReadByHandAndTheGradientMatches(GradientChecker checker) {
        TransformerWeights policy = GradientChecker.curvedWeights(CONFIG, Heads.LM, 3);
        TransformerWeights reference = GradientChecker.curvedWeights(CONFIG, Heads.LM, 11);
        List<Encoded[]> pairs = pairs();
        List<Encoded[]> mismatched = KtoStep.mismatched(LABELLED, ENCODER);
        double[][] ref = PreferenceStep.referenceLogProbs(reference, pairs, 3, 1);
        double[][] mismatchedRef = PreferenceStep.referenceLogProbs(reference, mismatched, 3, 1);
        int[] batch = {2, 0};
        double[] policyMismatched = new double[4];
        double[] referenceMismatched = new double[4];
        double[] pc = new double[2];
        double[] pr = new double[2];
        double[] rc = new double[2];
        double[] rr = new double[2];
        for (int i = 0; i < 2; i++) {
            for (int side = 0; side < 2; side++) {
                policyMismatched[2 * i + side] = logProb(policy, mismatched.get(batch[i])[side]);
                referenceMismatched[2 * i + side] = logProb(reference, mismatched.get(batch[i])[side]);
            }
            pc[i] = logProb(policy, pairs.get(batch[i])[0]);
            pr[i] = logProb(policy, pairs.get(batch[i])[1]);
            rc[i] = logProb(reference, pairs.get(batch[i])[0]);
            rr[i] = logProb(reference, pairs.get(batch[i])[1]);
        }
        double sum = 0;
        for (int j = 0; j < 4; j++) {
            sum += policyMismatched[j] - referenceMismatched[j];
        }
        double z0 = Math.max(0, sum / 4);
        System.out.printf("KTO step: mean mismatched log-ratio %.6f, reference point %.6f%n", sum / 4, z0);
        KtoLoss kto = new KtoLoss(0.5, 1.0, 1.33);
        PairLoss expected = kto.compute(PairLogProbs.of(pc, pr, rc, rr), z0, 2);
        Map<String, INDArray> buffers = new AdamW(policy, AdamW.Config.defaults(LrSchedule.constant(1e-3))).gradientBuffers();
        try (KtoStep step = new KtoStep(policy, pairs, ref, mismatched, mismatchedRef, kto, 2, 2, buffers);
                PreferenceStep fixed = new PreferenceStep(policy, pairs, ref, kto.at(z0), 2, 2, Map.of())) {
            StepResult result = step.compute(batch);
            assertEquals(expected.loss(), result.loss(), 1e-12);
            assertEquals(z0, result.metrics().get("kl"), 1e-12);
            expected.metrics().forEach((name, value) -> assertEquals(value, result.metrics().get(name), 1e-12, name));
            // the gradient the step leaves is that of the loss at its reference point, held fixed
            fixed.compute(batch);
            for (Map.Entry<String, INDArray> e : fixed.gradients().entrySet()) {
                double diff = e.getValue().sub(step.gradients().get(e.getKey())).norm2Number().doubleValue();
                assertTrue(diff < 1e-10 * Math.max(1, e.getValue().norm2Number().doubleValue()), e.getKey() + ": " + diff);
            }
            GradientChecker.Report report = checker.check("KTO step at a fixed reference point", policy, fixed.gradients(),
                    () -> fixed.compute(batch).loss());
            assertEquals(expected.loss(), report.loss(), 1e-12);
        }
    }
}
