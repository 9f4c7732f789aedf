package org.rlhf4j.engine.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.rlhf4j.engine.random.Rng;

/**
 * The data-parallel step for any per-shard loss: 1, 2 and 3 shards give the same loss and gradients, the gradient
 * of a loss using the logits, the hidden states and the scalar head matches finite differences, and a shard whose
 * rows carry no loss contributes nothing.
 *
 * <p>The loss, on a model with both heads, over {@code B = 6} rows of {@code T = 7} tokens in pairs {@code (2i, 2i+1)},
 * with row weights {@code w_r} and the whole batch's normaliser {@code N = 6}:
 * {@code L = sum_r w_r/N [sum(C_r * logits_r) + sum(E_r * hidden_r)] + sum_i w_2i/N [(s_2i - s_2i+1 - 0.5)^2 + 0.3 (s_2i + s_2i+1)^2]},
 * where
 * {@code s_r} is the scalar head at row r's last token: it couples the two rows of a pair.
 */
@ExtendWith(GradientCheckExtension.class)
class TestShardedBackprop {
    private static final TransformerConfig CONFIG = TransformerConfig.of(13, 8, 2, 2, 7);
    private static final int B = 6;
    private static final int T = 7;
    private static final double N = B;
    private static final int[] LAST = {6, 3, 4, 2, 5, 6};
    private static final double[] ALL_ROWS = {1, 1, 1, 1, 1, 1};

    private static final int[][] IDS;
    private static final INDArray C;
    private static final INDArray E;

    static {
        Rng rng = new Rng(21);
        IDS = new int[B][T];
        for (int r = 0; r < B; r++) {
            for (int t = 0; t <= LAST[r]; t++) {
                IDS[r][t] = 1 + rng.nextInt(CONFIG.vocabSize() - 1); // padding (0) after the last token
            }
        }
        C = gaussian(rng, B * T, CONFIG.vocabSize());
        E = gaussian(rng, B * T, CONFIG.dModel());
    }

    private static INDArray gaussian(Rng rng, int rows, int cols) {
        double[][] a = new double[rows][cols];
        for (double[] row : a) {
            for (int j = 0; j < cols; j++) {
                row[j] = rng.nextGaussian();
            }
        }
        return Nd4j.createFromArray(a);
    }

    /** The loss above, for the rows of one shard; records the shard boundaries it sees. */
    private static ShardedBackprop.ShardLoss loss(TransformerWeights w, double[] rowWeight, Set<Integer> boundaries) {
        return shard -> {
            int from = shard.fromRow();
            int to = shard.toRow();
            boundaries.add(from);
            DataType dt = w.dataType();
            double[] column = new double[(to - from) * T];
            for (int i = 0; i < column.length; i++) {
                column[i] = rowWeight[from + i / T] / N;
            }
            INDArray weights = Nd4j.createFromArray(column).castTo(dt).reshape(column.length, 1);
            INDArray c = C.get(NDArrayIndex.interval(from * T, to * T), NDArrayIndex.all()).castTo(dt).mulColumnVector(weights);
            INDArray e = E.get(NDArrayIndex.interval(from * T, to * T), NDArrayIndex.all()).castTo(dt).mulColumnVector(weights);
            double loss = shard.logits().mul(c).sumNumber().doubleValue() + shard.hidden().mul(e).sumNumber().doubleValue();
            shard.dLogits().assign(c);
            int[] last = java.util.Arrays.copyOfRange(LAST, from, to);
            double[] s = ScalarHead.forward(shard.hidden(), last, T, w);
            double[] dR = new double[s.length];
            for (int i = 0; i < s.length; i += 2) {
                double gap = s[i] - s[i + 1] - 0.5;
                double sum = s[i] + s[i + 1];
                double pairWeight = rowWeight[from + i] / N;
                loss += pairWeight * (gap * gap + 0.3 * sum * sum);
                dR[i] = pairWeight * (2 * gap + 0.6 * sum);
                dR[i + 1] = pairWeight * (-2 * gap + 0.6 * sum);
            }
            ScalarHead.backward(shard.hidden(), last, T, dR, w, shard.dHidden(), shard.dHeadW(), shard.dHeadB());
            shard.dHidden().addi(e);
            return loss;
        };
    }

    /** Loss and copies of the gradients with {@code workers} shards. */
    private static double run(TransformerWeights w, int workers, double[] rowWeight, Map<String, INDArray> out) {
        Set<Integer> boundaries = ConcurrentHashMap.newKeySet();
        try (ShardedBackprop bp = new ShardedBackprop(w, B, T, workers, 2, Map.of())) {
            assertEquals(Math.min(workers, B / 2), bp.workers());
            double loss = bp.lossAndGradients(IDS, loss(w, rowWeight, boundaries));
            assertEquals(bp.workers(), boundaries.size());
            boundaries.forEach(from -> assertEquals(0, from % 2, "a pair cut between shards at row " + from));
            bp.gradients().forEach((k, v) -> out.put(k, v.dup()));
            return loss;
        }
    }

    private static TransformerWeights weights(DataType dt) {
        return GradientChecker.curved(TransformerWeights.init(CONFIG, Heads.LM_AND_SCALAR, new Rng(4), dt), 5);
    }

    @ParameterizedTest
    @EnumSource(value = DataType.class, names = {"DOUBLE", "FLOAT"})
    void oneTwoAndThreeWorkersGiveTheSameLossAndGradients(DataType dt) {
        double tolerance = dt == DataType.DOUBLE ? 1e-12 : 1e-5;
        TransformerWeights w = weights(dt);
        Map<String, INDArray> single = new HashMap<>();
        double loss = run(w, 1, ALL_ROWS, single);
        assertEquals(new java.util.TreeSet<>(w.names()), new java.util.TreeSet<>(single.keySet()), "a gradient for every parameter, both heads");
        double worst = 0;
        for (int workers : new int[] {2, 3, 4}) {
            Map<String, INDArray> sharded = new HashMap<>();
            double l = run(w, workers, ALL_ROWS, sharded);
            assertEquals(loss, l, tolerance * Math.abs(loss), workers + " workers");
            for (String name : w.names()) {
                double scale = single.get(name).amaxNumber().doubleValue();
                assertTrue(scale > 0, name + " has no gradient to compare");
                double diff = single.get(name).sub(sharded.get(name)).amaxNumber().doubleValue() / scale;
                worst = Math.max(worst, diff);
                assertTrue(diff <= tolerance, workers + " workers, " + name + ": relative difference " + diff);
            }
        }
        System.out.printf("ShardedBackprop (%s): loss %.9g; 2, 3 and 4 (= 3) workers vs 1: worst relative gradient difference %.3g%n",
                dt, loss, worst);
    }

    @Test
    @GradientCheckSettings(samplesPerParameter = 4)
    void gradientOfALossOnLogitsHiddenStatesAndScalarHeadMatchesFiniteDifferences(GradientChecker checker) {
        TransformerWeights w = weights(DataType.DOUBLE);
        Set<Integer> boundaries = ConcurrentHashMap.newKeySet();
        // one worker: the shard count changes nothing (above), and threads would only slow the many evaluations down
        try (ShardedBackprop bp = new ShardedBackprop(w, B, T, 1, 2, Map.of())) {
            ShardedBackprop.ShardLoss loss = loss(w, ALL_ROWS, boundaries);
            bp.lossAndGradients(IDS, loss);
            checker.check("ShardedBackprop, logits + hidden + scalar head", w, bp.gradients(),
                    () -> bp.lossAndGradients(IDS, loss));
        }
    }

    @Test
    void aShardWhoseRowsCarryNoLossGivesZeroGradient() {
        TransformerWeights w = weights(DataType.DOUBLE);
        // a loss silent on every shard: loss 0 and every gradient exactly 0, even after a call that left gradients
        for (int workers : new int[] {1, 2, 3}) {
            try (ShardedBackprop bp = new ShardedBackprop(w, B, T, workers, 2, Map.of())) {
                bp.lossAndGradients(IDS, loss(w, ALL_ROWS, ConcurrentHashMap.newKeySet()));
                assertTrue(bp.gradients().get("tok_emb").amaxNumber().doubleValue() > 0);
                assertEquals(0.0, bp.lossAndGradients(IDS, shard -> 0.0), 0.0);
                bp.gradients().forEach((k, v) -> assertEquals(0.0, v.amaxNumber().doubleValue(), 0.0, workers + " workers, " + k));
            }
        }
        // 3 shards, the middle one (rows 2 and 3) silent: the gradients of the loss with those rows weighted 0
        Map<String, INDArray> partial = new HashMap<>();
        ShardedBackprop.ShardLoss full = loss(w, ALL_ROWS, ConcurrentHashMap.newKeySet());
        double l;
        try (ShardedBackprop bp = new ShardedBackprop(w, B, T, 3, 2, Map.of())) {
            l = bp.lossAndGradients(IDS, shard -> shard.index() == 1 ? 0.0 : full.lossAndGradients(shard));
            bp.gradients().forEach((k, v) -> partial.put(k, v.dup()));
        }
        Map<String, INDArray> masked = new HashMap<>();
        double m = run(w, 1, new double[] {1, 1, 0, 0, 1, 1}, masked);
        assertEquals(m, l, 1e-12 * Math.abs(m));
        for (String name : w.names()) {
            double scale = masked.get(name).amaxNumber().doubleValue();
            assertTrue(scale > 0, name);
            assertTrue(masked.get(name).sub(partial.get(name)).amaxNumber().doubleValue() <= 1e-12 * scale, name);
        }
    }

    @Test
    void rejectsABatchThatCutsAPair() {
        TransformerWeights w = weights(DataType.FLOAT);
        assertThrows(IllegalArgumentException.class, () -> new ShardedBackprop(w, 5, T, 2, 2, Map.of()));
        try (ShardedBackprop bp = new ShardedBackprop(w, B, T, 2, 2, Map.of())) {
            assertThrows(IllegalArgumentException.class, () -> bp.lossAndGradients(new int[B - 2][T], shard -> 0.0));
        }
    }
}
