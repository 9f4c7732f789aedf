package org.rlhf4j.algorithms.direct;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.rlhf4j.algorithms.loss.DpoLoss;
import org.rlhf4j.algorithms.loss.DpoLoss.Type;
import org.rlhf4j.algorithms.loss.OrpoLoss;
import org.rlhf4j.algorithms.loss.PairLogProbs;
import org.rlhf4j.algorithms.loss.PairLoss;
import org.rlhf4j.algorithms.loss.PreferenceLoss;
import org.rlhf4j.algorithms.loss.SimPoLoss;
import org.rlhf4j.engine.model.GradientCheckExtension;
import org.rlhf4j.engine.model.GradientCheckSettings;
import org.rlhf4j.engine.model.GradientChecker;
import org.rlhf4j.engine.model.HandReads;
import org.rlhf4j.engine.model.Heads;
import org.rlhf4j.engine.model.TransformerConfig;
import org.rlhf4j.engine.model.TransformerWeights;
import org.rlhf4j.engine.optim.AdamW;
import org.rlhf4j.engine.optim.LrSchedule;
import org.rlhf4j.engine.random.Rng;
import org.rlhf4j.engine.tokenizer.SequenceEncoder.Encoded;
import org.rlhf4j.engine.train.DataOrder;
import org.rlhf4j.engine.train.StepResult;

/**
 * One preference-loss step on the data-parallel path, with DPO's, IPO's, SimPO's and ORPO's losses: the sequence log-probs
 * and the loss against a plain forward pass read by hand, ln 2 at initialisation, the gradient of every parameter
 * (lm_head included) against finite differences in double precision, with 1 and 2 shards, and a pass padded beyond its
 * pairs.
 */
@ExtendWith(GradientCheckExtension.class)
@GradientCheckSettings(samplesPerParameter = 4)
class TestPreferenceStep {
    /** V 11, D 8, 2 heads, 2 layers, context 6: rows of 5 columns. */
    private static final TransformerConfig CONFIG = TransformerConfig.of(11, 8, 2, 2, 6);

    /** [chosen, rejected]: prompts of 1 to 3 tokens, responses of 1 to 4 (eos included), padding in every row but one. */
    private static final List<Encoded[]> PAIRS = List.of(
            new Encoded[] {new Encoded(new int[] {1, 4, 5, 9, 2}, 2), new Encoded(new int[] {1, 4, 7, 2}, 2)},
            new Encoded[] {new Encoded(new int[] {1, 6, 6, 8, 10, 2}, 3), new Encoded(new int[] {1, 6, 6, 3, 2}, 3)},
            new Encoded[] {new Encoded(new int[] {1, 9, 2}, 2), new Encoded(new int[] {1, 9, 5, 4, 7, 2}, 1)},
            new Encoded[] {new Encoded(new int[] {1, 3, 8, 2}, 3), new Encoded(new int[] {1, 3, 2}, 2)});

    private static final int[] BATCH = {2, 0, 3};

    private static PreferenceStep step(TransformerWeights policy, double[][] reference, Type type, double smoothing, int batch,
            int workers) {
        return step(policy, reference, new DpoLoss(type, 0.5, smoothing), batch, workers);
    }

    private static PreferenceStep step(TransformerWeights policy, double[][] reference, PreferenceLoss loss, int batch, int workers) {
        Map<String, INDArray> buffers = new AdamW(policy, AdamW.Config.defaults(LrSchedule.constant(1e-3))).gradientBuffers();
        return new PreferenceStep(policy, PAIRS, reference, loss, batch, workers, buffers);
    }

    /** A reference-free loss that reads lengths: minus the mean over pairs of (chosen - rejected) mean token log-prob. */
    private static final PreferenceLoss LENGTH_NORMALISED = new PreferenceLoss() {
        @Override
        public boolean needsReference() {
            return false;
        }

        @Override
        public String describe() {
            return "length-normalised margin";
        }

        @Override
        public PairLoss compute(PairLogProbs pairs, double normaliser) {
            double loss = 0;
            double[] dChosen = new double[pairs.size()];
            double[] dRejected = new double[pairs.size()];
            for (int i = 0; i < pairs.size(); i++) {
                assertTrue(Double.isNaN(pairs.referenceChosen()[i]) && Double.isNaN(pairs.referenceRejected()[i]), "no reference");
                loss -= pairs.policyChosen()[i] / pairs.chosenTokens()[i] - pairs.policyRejected()[i] / pairs.rejectedTokens()[i];
                dChosen[i] = -1.0 / pairs.chosenTokens()[i] / normaliser;
                dRejected[i] = 1.0 / pairs.rejectedTokens()[i] / normaliser;
            }
            return new PairLoss(loss / normaliser, dChosen, dRejected, Map.of("tokens/chosen",
                    Arrays.stream(pairs.chosenTokens()).average().orElse(Double.NaN)));
        }
    };

    /** The log-prob of {@code e}'s response tokens by hand: one unpadded row, log softmax summed over the response. */
    private static double logProb(TransformerWeights w, Encoded e) {
        return HandReads.responseLogProb(w, e);
    }

    @ParameterizedTest(name = "{0} workers")
    @ValueSource(ints = {1, 2})
    void logProbsAndLossAreThoseOfAPlainForwardPassReadByHand(int workers) {
        TransformerWeights policy = GradientChecker.curvedWeights(CONFIG, Heads.LM, 3);
        TransformerWeights reference = GradientChecker.curvedWeights(CONFIG, Heads.LM, 7);
        double[][] ref = PreferenceStep.referenceLogProbs(reference, PAIRS, 3, workers);
        double[] pc = new double[3];
        double[] pr = new double[3];
        double[] rc = new double[3];
        double[] rr = new double[3];
        for (int i = 0; i < PAIRS.size(); i++) {
            assertEquals(logProb(reference, PAIRS.get(i)[0]), ref[i][0], 1e-12, "reference chosen " + i);
            assertEquals(logProb(reference, PAIRS.get(i)[1]), ref[i][1], 1e-12, "reference rejected " + i);
        }
        for (int i = 0; i < 3; i++) {
            pc[i] = logProb(policy, PAIRS.get(BATCH[i])[0]);
            pr[i] = logProb(policy, PAIRS.get(BATCH[i])[1]);
            rc[i] = ref[BATCH[i]][0];
            rr[i] = ref[BATCH[i]][1];
        }
        for (Type type : Type.values()) {
            double smoothing = type == Type.SIGMOID ? 0.1 : 0;
            try (PreferenceStep step = step(policy, ref, type, smoothing, 3, workers)) {
                StepResult result = step.compute(BATCH);
                PairLoss expected = new DpoLoss(type, 0.5, smoothing).compute(PairLogProbs.of(pc, pr, rc, rr), 3);
                expected.metrics().forEach((name, value) -> assertEquals(value, result.metrics().get(name), 1e-12, name));
                assertEquals(expected.loss(), result.loss(), 1e-12, type.toString());
                System.out.printf("DPO step (%s), %d workers: loss %.12f, logps/chosen %.6f%n", type, workers, result.loss(),
                        result.metrics().get("logps/chosen"));
            }
        }
    }

    @ParameterizedTest(name = "{0} workers")
    @ValueSource(ints = {1, 2})
    void atInitialisationTheLossIsLn2(int workers) {
        // float, default initialisation, as training runs it
        TransformerWeights policy = TransformerWeights.init(CONFIG, Heads.LM, new Rng(1), DataType.FLOAT);
        double[][] ref = PreferenceStep.referenceLogProbs(policy.frozenCopy(), PAIRS, 2, workers);
        try (PreferenceStep step = step(policy, ref, Type.SIGMOID, 0, 2, workers)) {
            // each pair at the rows the reference pass gave it: the same arithmetic, exactly ln 2
            for (int[] batch : new int[][] {{0, 1}, {2, 3}}) {
                StepResult result = step.compute(batch);
                assertEquals(Math.log(2), result.loss(), 0.0, Arrays.toString(batch));
                assertEquals(0.0, result.metrics().get("rewards/margins"), 0.0);
            }
            // the data order's shuffled batches put a pair at other rows (another place in a BLAS tile): ln 2 to float rounding
            DataOrder order = new DataOrder(PAIRS.size(), 2, 5);
            double worst = 0;
            for (long s = 1; s <= 4; s++) {
                StepResult result = step.compute(order.batch(s));
                worst = Math.max(worst, Math.abs(result.loss() - Math.log(2)));
                assertEquals(0.0, result.metrics().get("rewards/margins"), 1e-6);
            }
            assertTrue(worst < 1e-7, "|loss - ln 2| = " + worst);
            System.out.printf("DPO at initialisation, %d workers: shuffled batches within %.3g of ln 2%n", workers, worst);
        }
    }

    @ParameterizedTest(name = "{0}, label smoothing {1}, {2} workers")
    @CsvSource({"SIGMOID, 0.0, 1", "SIGMOID, 0.1, 2", "IPO, 0.0, 1", "IPO, 0.0, 2"})
    void gradientOfEveryParameterMatchesFiniteDifferences(Type type, double smoothing, int workers, GradientChecker checker) {
        TransformerWeights policy = GradientChecker.curvedWeights(CONFIG, Heads.LM, 3);
        double[][] ref = PreferenceStep.referenceLogProbs(GradientChecker.curvedWeights(CONFIG, Heads.LM, 7), PAIRS, 3, 1);
        try (PreferenceStep step = step(policy, ref, type, smoothing, 3, workers)) {
            double loss = step.compute(BATCH).loss();
            GradientChecker.Report report = checker.check("DPO step " + type + " e=" + smoothing + ", " + workers + " workers", policy,
                    step.gradients(), () -> step.compute(BATCH).loss());
            assertEquals(loss, report.loss(), 0.0);
            assertTrue(policy.names().contains("lm_head"));
        }
    }

    @ParameterizedTest(name = "{0} workers")
    @ValueSource(ints = {1, 2})
    void aReferenceFreeLossSeesEachResponsesLengthAndNoReference(int workers, GradientChecker checker) {
        TransformerWeights policy = GradientChecker.curvedWeights(CONFIG, Heads.LM, 3);
        double expected = 0;
        for (int i : BATCH) {
            Encoded chosen = PAIRS.get(i)[0];
            Encoded rejected = PAIRS.get(i)[1];
            // response tokens, <eos> included: the sequence after the prompt
            expected -= logProb(policy, chosen) / (chosen.tokens().length - chosen.promptLength())
                    - logProb(policy, rejected) / (rejected.tokens().length - rejected.promptLength());
        }
        expected /= BATCH.length;
        try (PreferenceStep step = step(policy, PreferenceStep.noReference(PAIRS.size()), LENGTH_NORMALISED, 3, workers)) {
            StepResult result = step.compute(BATCH);
            assertEquals(expected, result.loss(), 1e-12);
            // the chosen responses of pairs 2, 0 and 3: 1, 3 and 1 tokens
            assertEquals(5 / 3.0, result.metrics().get("tokens/chosen"), 1e-12);
            GradientChecker.Report report = checker.check("length-normalised loss, " + workers + " workers", policy,
                    step.gradients(), () -> step.compute(BATCH).loss());
            assertEquals(result.loss(), report.loss(), 0.0);
        }
    }

    @ParameterizedTest(name = "{0} workers")
    @ValueSource(ints = {1, 2})
    void simpoAndOrpoStepsAreTheirLossesOnLogProbsReadByHand(int workers, GradientChecker checker) {
        TransformerWeights policy = GradientChecker.curvedWeights(CONFIG, Heads.LM, 3);
        double[] pc = new double[3];
        double[] pr = new double[3];
        int[] nc = new int[3];
        int[] nr = new int[3];
        for (int i = 0; i < 3; i++) {
            pc[i] = logProb(policy, PAIRS.get(BATCH[i])[0]);
            pr[i] = logProb(policy, PAIRS.get(BATCH[i])[1]);
            nc[i] = PAIRS.get(BATCH[i])[0].responseLength();
            nr[i] = PAIRS.get(BATCH[i])[1].responseLength();
        }
        double[] nan = {Double.NaN, Double.NaN, Double.NaN};
        PairLogProbs byHand = new PairLogProbs(pc, pr, nan, nan, nc, nr);
        // ORPO's NLL is a mean over the batch's 5 chosen response tokens: with 2 shards each must know the batch's count
        for (PreferenceLoss loss : List.of(new SimPoLoss(2.0, 0.5), new OrpoLoss(0.5))) {
            PairLoss expected = loss.forBatch(nc, nr).compute(byHand, 3);
            try (PreferenceStep step = step(policy, PreferenceStep.noReference(PAIRS.size()), loss, 3, workers)) {
                StepResult result = step.compute(BATCH);
                assertEquals(expected.loss(), result.loss(), 1e-12, loss.describe());
                expected.metrics().forEach((name, value) -> assertEquals(value, result.metrics().get(name), 1e-12, name));
                GradientChecker.Report report = checker.check(loss.describe() + ", " + workers + " workers", policy, step.gradients(),
                        () -> step.compute(BATCH).loss());
                assertEquals(result.loss(), report.loss(), 0.0);
            }
        }
    }

    @ParameterizedTest(name = "{0} workers")
    @ValueSource(ints = {1, 2})
    void aPassPaddedBeyondItsPairsIsThePassOfItsPairs(int workers) {
        TransformerWeights policy = GradientChecker.curvedWeights(CONFIG, Heads.LM, 3);
        double[][] ref = PreferenceStep.referenceLogProbs(GradientChecker.curvedWeights(CONFIG, Heads.LM, 7), PAIRS, 2, 1);
        List<Encoded[]> two = List.of(PAIRS.get(1), PAIRS.get(3));
        double[] rc = {ref[1][0], ref[3][0]};
        double[] rr = {ref[1][1], ref[3][1]};
        DpoLoss dpo = new DpoLoss(Type.SIGMOID, 0.5, 0);
        Map<String, INDArray> exact;
        double exactLoss;
        try (PreferencePass pass = new PreferencePass(policy, 2, workers, Map.of())) {
            exactLoss = pass.step(two, rc, rr, dpo).loss();
            exact = copy(pass.gradients());
        }
        try (PreferencePass padded = new PreferencePass(policy, 4, workers, Map.of())) {
            StepResult result = padded.step(two, rc, rr, dpo);
            assertEquals(exactLoss, result.loss(), 1e-12, "two pairs in a pass of four: normalised by two, padding ignored");
            for (Map.Entry<String, INDArray> e : exact.entrySet()) {
                double diff = e.getValue().sub(padded.gradients().get(e.getKey())).norm2Number().doubleValue();
                assertTrue(diff < 1e-9 * Math.max(1, e.getValue().norm2Number().doubleValue()), e.getKey() + ": " + diff);
            }
            double[][] logps = padded.logProbs(two);
            assertEquals(logProb(policy, PAIRS.get(3)[1]), logps[1][1], 1e-12);
        }
    }

    private static Map<String, INDArray> copy(Map<String, INDArray> arrays) {
        Map<String, INDArray> out = new java.util.LinkedHashMap<>();
        arrays.forEach((name, array) -> out.put(name, array.dup()));
        return out;
    }
}
