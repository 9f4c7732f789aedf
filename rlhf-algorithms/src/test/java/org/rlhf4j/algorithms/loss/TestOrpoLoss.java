package org.rlhf4j.algorithms.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.rlhf4j.engine.model.GradientCheckExtension;
import org.rlhf4j.engine.model.GradientCheckSettings;
import org.rlhf4j.engine.model.GradientChecker;

/**
 * ORPO's odds ratio and NLL term against values computed by hand, its binding to the batch's token count, and its
 * gradient against central differences. Pairs (policy chosen, tokens, policy rejected, tokens): (-2, 4, -3, 2), per-token
 * means -0.5 and -1.5, and (-3, 2, -1, 1), means -1.5 and -1.
 */
@ExtendWith(GradientCheckExtension.class)
@GradientCheckSettings(samplesPerParameter = 4, tolerance = 1e-7)
class TestOrpoLoss {
    private static final double[] PC = {-2, -3};
    private static final double[] PR = {-3, -1};
    private static final int[] NC = {4, 2};
    private static final int[] NR = {2, 1};

    private static PairLogProbs pairs(double[] pc, double[] pr, int[] nc, int[] nr) {
        double[] nan = new double[pc.length];
        Arrays.fill(nan, Double.NaN);
        return new PairLogProbs(pc, pr, nan, nan.clone(), nc, nr);
    }

    /** {@code log sigmoid(x)}. */
    private static double logSigmoid(double x) {
        return -Math.log1p(Math.exp(-x));
    }

    @Test
    void theOddsRatioByHand() {
        // log odds(a) = a - log(1 - e^a): log(1 - e^-0.5) = log 0.393469..., log(1 - e^-1.5) = log 0.776870...
        assertEquals(Math.log(1 - Math.exp(-0.5)), OrpoLoss.log1mexp(-0.5), 1e-15);
        assertEquals(Math.log(1 - Math.exp(-1.5)), OrpoLoss.log1mexp(-1.5), 1e-15);
        assertEquals(-0.9327521295671886, OrpoLoss.log1mexp(-0.5), 1e-15);
        assertEquals(-Math.exp(-40), OrpoLoss.log1mexp(-40), 1e-30, "accurate where 1 - e^a rounds to 1");
        double odds1 = Math.log((Math.exp(-0.5) / (1 - Math.exp(-0.5))) / (Math.exp(-1.5) / (1 - Math.exp(-1.5))));
        double odds2 = Math.log((Math.exp(-1.5) / (1 - Math.exp(-1.5))) / (Math.exp(-1.0) / (1 - Math.exp(-1.0))));
        assertEquals(1.6802696706417346, odds1, 1e-14);
        assertEquals(-0.7061926864616279, odds2, 1e-14);

        OrpoLoss orpo = new OrpoLoss(0.1);
        assertFalse(orpo.needsReference(), "ORPO reads no reference");
        PairLoss loss = orpo.compute(pairs(PC, PR, NC, NR), 2);
        // NLL: the chosen responses' 5 nats over their 6 tokens; odds ratio: 0.1 * mean(-log sigmoid(log odds))
        double nll = 5.0 / 6;
        double or = -(logSigmoid(odds1) + logSigmoid(odds2)) / 2;
        assertEquals(nll + 0.1 * or, loss.loss(), 1e-14);
        assertEquals(0.8972427029193389, loss.loss(), 1e-14);
        assertEquals(nll, loss.metrics().get("nll_loss"), 1e-15);
        assertEquals((logSigmoid(odds1) + logSigmoid(odds2)) / 2, loss.metrics().get("log_odds_ratio"), 1e-14);
        assertEquals((odds1 + odds2) / 2, loss.metrics().get("log_odds_chosen"), 1e-14);
        assertEquals(0.1 * (-0.5 - 1.5) / 2, loss.metrics().get("rewards/chosen"), 1e-15);
        assertEquals(0.1 * (-1.5 - 1.0) / 2, loss.metrics().get("rewards/rejected"), 1e-15);
        assertEquals(0.5, loss.metrics().get("rewards/accuracies"));
        assertEquals(-1.0, loss.metrics().get("logps/chosen"), 1e-15);
        // the gradient by hand: dL/dpi_c = -1/T - beta sigmoid(-lo) / (1 - e^a_c) / n_c / N
        double g1 = -0.1 / (1 + Math.exp(odds1)) / 2;
        assertEquals(-1.0 / 6 + g1 / (1 - Math.exp(-0.5)) / 4, loss.dFirst()[0], 1e-15);
        assertEquals(-g1 / (1 - Math.exp(-1.5)) / 2, loss.dSecond()[0], 1e-15);
    }

    @Test
    void bindingTheBatchTokenCountMakesShardPartsAddUp() {
        PreferenceLoss batch = new OrpoLoss(0.25).forBatch(NC, NR);
        assertEquals(new OrpoLoss(0.25, 6), batch);
        PairLoss whole = new OrpoLoss(0.25).compute(pairs(PC, PR, NC, NR), 2);
        assertEquals(whole.loss(), batch.compute(pairs(PC, PR, NC, NR), 2).loss(), 0.0);
        PairLoss a = batch.compute(pairs(new double[] {PC[0]}, new double[] {PR[0]}, new int[] {NC[0]}, new int[] {NR[0]}), 2);
        PairLoss b = batch.compute(pairs(new double[] {PC[1]}, new double[] {PR[1]}, new int[] {NC[1]}, new int[] {NR[1]}), 2);
        assertEquals(whole.loss(), a.loss() + b.loss(), 1e-15);
        assertArrayEquals(whole.dFirst(), new double[] {a.dFirst()[0], b.dFirst()[0]}, 0.0);
        // unbound, a shard would average the NLL over its own tokens only: a different (wrong) sum
        PairLoss alone = new OrpoLoss(0.25).compute(pairs(new double[] {PC[0]}, new double[] {PR[0]}, new int[] {NC[0]},
                new int[] {NR[0]}), 2);
        assertTrue(alone.loss() > a.loss());
        // DPO's loss is normalised by the pair count: it binds nothing
        DpoLoss dpo = new DpoLoss(DpoLoss.Type.SIGMOID, 0.1, 0);
        assertSame(dpo, dpo.forBatch(NC, NR));
    }

    @Test
    void aMeanLogProbAtZeroIsCappedAndBadSettingsAreRefused() {
        PairLoss loss = new OrpoLoss(0.1).compute(pairs(new double[] {0}, new double[] {-2}, new int[] {1}, new int[] {1}), 1);
        assertTrue(Double.isFinite(loss.loss()), "a certain chosen response leaves the loss finite");
        assertEquals(-1.0, loss.dFirst()[0], 0.0, "past the cap only the NLL term pulls");
        assertThrows(IllegalArgumentException.class, () -> new OrpoLoss(0));
        assertThrows(IllegalArgumentException.class, () -> new OrpoLoss(0.1, -1));
    }

    @Test
    void gradientMatchesFiniteDifferences(GradientChecker checker) {
        double[] pc = {-2, -3, -14.5, -0.75};
        double[] pr = {-3, -1, -2.0, -9.0};
        int[] nc = {4, 2, 7, 3};
        int[] nr = {2, 1, 1, 5};
        GradientChecker.Report report = PairInputs.check(checker, "OrpoLoss", pc, pr,
                (c, r) -> new OrpoLoss(0.2).forBatch(nc, nr).compute(pairs(c, r, nc, nr), 4));
        assertTrue(report.worstRelative() < 1e-7, report.summary());
    }
}
