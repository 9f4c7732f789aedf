package org.rlhf4j.algorithms.rewardmodel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.rlhf4j.algorithms.loss.BradleyTerryLoss;
import org.rlhf4j.algorithms.loss.CostModelLoss;
import org.rlhf4j.api.config.RewardModelConfig;
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
import org.rlhf4j.engine.train.StepResult;

/**
 * One reward or cost model step on the data-parallel path: its loss against the objective applied to scores read
 * by hand from a plain forward pass, and its gradient (backbone and scalar head) against finite differences in
 * double precision, with 1 and 2 shards.
 */
@ExtendWith(GradientCheckExtension.class)
@GradientCheckSettings(samplesPerParameter = 4)
class TestScalarModelStep {
    /** V 11, D 8, 2 heads, 2 layers, context 6: sequences of 3 to 6 tokens. */
    static final TransformerConfig CONFIG = TransformerConfig.of(11, 8, 2, 2, 6);

    private static final Encoded[][] SEQUENCES = {
        {new Encoded(new int[] {1, 4, 5, 9, 2}, 2), new Encoded(new int[] {1, 4, 7, 2}, 2)},
        {new Encoded(new int[] {1, 6, 6, 8, 10, 2}, 3), new Encoded(new int[] {1, 3, 2}, 2)},
        {new Encoded(new int[] {1, 9, 2}, 2), new Encoded(new int[] {1, 5, 4, 7, 8, 2}, 2)},
    };

    /** A strict preference, a tie, a strict preference. */
    static final List<ScalarPair> REWARD_PAIRS = List.of(
            new ScalarPair(SEQUENCES[0][0], SEQUENCES[0][1], 1, 0, 0),
            new ScalarPair(SEQUENCES[1][0], SEQUENCES[1][1], 0.5, 0, 0),
            new ScalarPair(SEQUENCES[2][0], SEQUENCES[2][1], 1, 0, 0));

    /** Ordered with both verdicts (safe, unsafe), ordered with one verdict, a tie with both verdicts (safe, safe). */
    static final List<ScalarPair> COST_PAIRS = List.of(
            new ScalarPair(SEQUENCES[0][0], SEQUENCES[0][1], 1, -1, 1),
            new ScalarPair(SEQUENCES[1][0], SEQUENCES[1][1], 1, 0, 1),
            new ScalarPair(SEQUENCES[2][0], SEQUENCES[2][1], 0, -1, -1));

    /** Margin 0.3, centring 0.05, L2 0.01. */
    static final RewardModelConfig MODEL_CONFIG = new RewardModelConfig(null, null, null, null, null, null, null, 0.3, 0.05, 0.01, null, null,
            null, null, null);

    private static final int[] BATCH = {2, 0, 1};

    private static ScalarModelStep step(TransformerWeights w, boolean cost, int workers) {
        Map<String, INDArray> buffers = new AdamW(w, AdamW.Config.defaults(LrSchedule.constant(1e-3))).gradientBuffers();
        return new ScalarModelStep(w, cost ? COST_PAIRS : REWARD_PAIRS, cost ? PairObjective.cost(MODEL_CONFIG) : PairObjective.reward(MODEL_CONFIG),
                cost ? "cost_model" : "reward_model", 3, workers, buffers);
    }

    @ParameterizedTest(name = "{0} workers")
    @ValueSource(ints = {1, 2})
    void lossAndMetricsAreTheObjectiveOfScoresReadByHand(int workers) {
        TransformerWeights w = GradientChecker.curvedWeights(CONFIG, Heads.SCALAR, 3);
        double[] first = new double[3];
        double[] second = new double[3];
        for (int i = 0; i < 3; i++) {
            first[i] = HandReads.scalarScore(w, REWARD_PAIRS.get(BATCH[i]).first());
            second[i] = HandReads.scalarScore(w, REWARD_PAIRS.get(BATCH[i]).second());
        }
        try (ScalarModelStep reward = step(w, false, workers); ScalarModelStep cost = step(w, true, workers)) {
            StepResult r = reward.compute(BATCH);
            double bt = BradleyTerryLoss.compute(first, second, new double[] {1, 1, 0.5}, 0.3, 0.05, 0.01, 3).loss();
            assertEquals(bt, r.loss(), 1e-12);
            assertTrue(r.metrics().containsKey("reward_model/accuracy"), r.metrics().toString());
            StepResult c = cost.compute(BATCH);
            double pku = CostModelLoss.compute(first, second, new double[] {0, 1, 1}, new double[] {-1, -1, 0},
                    new double[] {-1, 1, 1}, 0.01, 3).loss();
            assertEquals(pku, c.loss(), 1e-12);
            assertEquals(CostModelLoss.compute(first, second, new double[] {0, 1, 1}, new double[] {-1, -1, 0},
                    new double[] {-1, 1, 1}, 0.01, 3).metrics().get("sign_accuracy"), c.metrics().get("cost_model/sign_accuracy"), 1e-12);
            System.out.printf("scalar model step, %d workers: Bradley-Terry loss %.12f, cost loss %.12f%n", workers, r.loss(), c.loss());
        }
    }

    @ParameterizedTest(name = "{0} workers")
    @ValueSource(ints = {1, 2})
    void bradleyTerryGradientMatchesFiniteDifferences(int workers, GradientChecker checker) {
        check(false, workers, checker);
    }

    @ParameterizedTest(name = "{0} workers")
    @ValueSource(ints = {1, 2})
    void costModelGradientMatchesFiniteDifferences(int workers, GradientChecker checker) {
        check(true, workers, checker);
    }

    private static void check(boolean cost, int workers, GradientChecker checker) {
        TransformerWeights w = GradientChecker.curvedWeights(CONFIG, Heads.SCALAR, cost ? 5 : 3);
        try (ScalarModelStep step = step(w, cost, workers)) {
            double loss = step.compute(BATCH).loss();
            assertTrue(step.gradients().get(ParamNames.HEAD_W).amaxNumber().doubleValue() > 0, "a head gradient");
            GradientChecker.Report report = checker.check((cost ? "cost model" : "Bradley-Terry") + " step, " + workers + " workers", w,
                    step.gradients(), () -> step.compute(BATCH).loss());
            assertEquals(loss, report.loss(), 0.0);
        }
    }

    @Test
    void twoShardsGiveTheOneShardGradients() {
        TransformerWeights w = GradientChecker.curvedWeights(CONFIG, Heads.SCALAR, 3);
        try (ScalarModelStep one = step(w, false, 1); ScalarModelStep two = step(w, false, 2)) {
            double l1 = one.compute(BATCH).loss();
            double l2 = two.compute(BATCH).loss();
            assertEquals(l1, l2, 1e-14);
            for (String name : w.names()) {
                INDArray a = one.gradients().get(name);
                double scale = a.amaxNumber().doubleValue();
                assertTrue(scale > 0, name + " has a gradient");
                assertTrue(a.sub(two.gradients().get(name)).amaxNumber().doubleValue() <= 1e-12 * scale, name);
            }
        }
    }
}
