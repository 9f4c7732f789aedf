package org.rlhf4j.engine.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.rlhf4j.engine.random.Rng;

/**
 * Tied embeddings (GPT-2's default): the LM head IS the token embedding. A tied model must compute exactly what an untied
 * one computes whose {@code lm_head} is {@code tok_emb^T}, and its one matrix must receive the SUM of the two gradients the
 * untied model gives its embedding and its head; checked on every path that reads the head (the training pass, the
 * masked head of DPO, forward-only scoring, the cached decoder) and against finite differences in double precision.
 */
@ExtendWith(GradientCheckExtension.class)
class TestTiedEmbeddings {
    private static final TransformerConfig UNTIED = TransformerConfig.of(13, 8, 2, 2, 6);
    private static final TransformerConfig TIED = UNTIED.withTiedEmbeddings(true);
    private static final int[][] IDS = {{1, 4, 2, 9, 3}, {10, 0, 5, 5, 7}};
    private static final int[][] TARGETS = {{4, 2, 9, 3, 1}, {0, 5, 5, 7, 8}};
    private static final float[][] MASK = {{0, 0, 1, 1, 1}, {0, 1, 1, 1, 0}};

    /** A tied model and the untied model with the same function: {@code lm_head = tok_emb^T}. */
    private static TransformerWeights[] pair(DataType dt, long seed) {
        TransformerWeights tied = GradientChecker.curved(TransformerWeights.init(TIED, Heads.LM, new Rng(seed), dt), seed + 1);
        Map<String, INDArray> p = new LinkedHashMap<>();
        tied.asMap().forEach((k, v) -> p.put(k, v.dup()));
        p.put(ParamNames.LM_HEAD, tied.get(ParamNames.TOK_EMB).transpose().dup('c'));
        return new TransformerWeights[] {tied, TransformerWeights.of(UNTIED, Heads.LM, p)};
    }

    @Test
    void aTiedModelHasNoLmHeadParameter() {
        TransformerWeights[] w = pair(DataType.FLOAT, 1);
        assertFalse(w[0].has(ParamNames.LM_HEAD));
        assertEquals(ParamNames.TOK_EMB, w[0].lmHeadName());
        assertEquals(ParamNames.LM_HEAD, w[1].lmHeadName());
        assertEquals(w[1].numParams() - 13L * 8, w[0].numParams());
        assertFalse(UNTIED.tiedEmbeddings(), "untied is the default (the built-in policies)");
    }

    @Test
    void theTiedGradientIsTheSumOfTheEmbeddingAndHeadGradients() {
        TransformerWeights[] w = pair(DataType.DOUBLE, 3);
        Map<String, INDArray> tied = lmGradients(w[0]);
        Map<String, INDArray> untied = lmGradients(w[1]);
        INDArray expected = untied.get(ParamNames.TOK_EMB).add(untied.get(ParamNames.LM_HEAD).transpose());
        assertEquals(0, expected.sub(tied.get(ParamNames.TOK_EMB)).amaxNumber().doubleValue(), 1e-12);
        assertTrue(untied.get(ParamNames.LM_HEAD).amaxNumber().doubleValue() > 1e-3, "the head's part is not trivially small");
        for (String name : w[0].names()) {
            if (!name.equals(ParamNames.TOK_EMB)) {
                assertEquals(0, untied.get(name).sub(tied.get(name)).amaxNumber().doubleValue(), 1e-12, name);
            }
        }
    }

    @Test
    void tiedGradientsMatchFiniteDifferencesInDouble(GradientChecker checker) {
        TransformerWeights w = pair(DataType.DOUBLE, 5)[0];
        Nd4jBackprop bp = new Nd4jBackprop(w, 2, 5);
        Map<String, INDArray> grads = lmGradients(w);
        checker.check("Nd4jBackprop, tied embeddings", w, grads, () -> {
            INDArray logits = bp.forward(IDS);
            return LmLoss.maskedCrossEntropy(logits, TARGETS, MASK, logits.ulike());
        });
    }

    @Test
    void theMaskedHeadOfASequenceLossAddsItsGradientToTheEmbedding(GradientChecker checker) {
        // a sequence-level loss through ShardedBackprop and MaskedLmHead (DPO's path), two shards
        TransformerWeights[] w = pair(DataType.DOUBLE, 7);
        double[] scale = {0.8, -1.7};
        Map<String, INDArray> tied = sequenceLossGradients(w[0], scale);
        Map<String, INDArray> untied = sequenceLossGradients(w[1], scale);
        INDArray expected = untied.get(ParamNames.TOK_EMB).add(untied.get(ParamNames.LM_HEAD).transpose());
        assertEquals(0, expected.sub(tied.get(ParamNames.TOK_EMB)).amaxNumber().doubleValue(), 1e-12);
        try (ShardedBackprop pass = new ShardedBackprop(w[0], 2, 5, 2, 1, Map.of())) {
            MaskedLmHead[] heads = MaskedLmHead.perShard(w[0], pass, 5);
            checker.check("ShardedBackprop + MaskedLmHead, tied embeddings", w[0], tied, () -> {
                double[] total = {0};
                pass.forward(IDS, false, shard -> {
                    double[] logp = heads[shard.index()].logProbs(shard.hidden(), rows(TARGETS, shard), rows(MASK, shard));
                    for (int r = 0; r < logp.length; r++) {
                        synchronized (total) {
                            total[0] -= scale[shard.fromRow() + r / 5] * logp[r];
                        }
                    }
                    return 0;
                });
                return total[0];
            });
        }
    }

    @Test
    void scoringAndCachedDecodingReadTheTiedHead() {
        TransformerWeights[] w = pair(DataType.FLOAT, 9);
        try (Nd4jForward tied = new Nd4jForward(w[0], 1); Nd4jForward untied = new Nd4jForward(w[1], 1)) {
            assertEquals(0, tied.logits(IDS).sub(untied.logits(IDS)).amaxNumber().doubleValue(), 1e-5);
            float[][] a = tied.tokenLogProbs(IDS, TARGETS);
            float[][] b = untied.tokenLogProbs(IDS, TARGETS);
            for (int i = 0; i < a.length; i++) {
                for (int j = 0; j < a[i].length; j++) {
                    assertEquals(b[i][j], a[i][j], 1e-5);
                }
            }
            int[] pad = {0, 2};
            int[][] prompt = {{1, 4, 2}, {0, 0, 5}};
            float[] decoded;
            try (KvDecoder decoder = new KvDecoder(w[0], 6, pad)) {
                decoded = decoder.prefill(prompt);
            }
            INDArray expected = untied.lastLogits(prompt, pad);
            INDArray got = Nd4j.create(Arrays.copyOf(decoded, 2 * 13), new long[] {2, 13}, 'c');
            assertEquals(0, got.sub(expected).amaxNumber().doubleValue(), 1e-4);
            assertTrue(expected.amaxNumber().doubleValue() > 0.1);
        }
    }

    /** Gradients of the masked cross-entropy on the full logits. */
    private static Map<String, INDArray> lmGradients(TransformerWeights w) {
        Nd4jBackprop bp = new Nd4jBackprop(w, 2, 5);
        INDArray logits = bp.forward(IDS);
        INDArray dLogits = logits.ulike();
        LmLoss.maskedCrossEntropy(logits, TARGETS, MASK, dLogits);
        Map<String, INDArray> grads = new HashMap<>();
        bp.backward(dLogits, null).forEach((k, v) -> grads.put(k, v.dup()));
        return grads;
    }

    /** Gradients of {@code -sum_b scale[b] * logp(sequence b)} through the masked head, in two shards. */
    private static Map<String, INDArray> sequenceLossGradients(TransformerWeights w, double[] scale) {
        try (ShardedBackprop pass = new ShardedBackprop(w, 2, 5, 2, 1, Map.of())) {
            MaskedLmHead[] heads = MaskedLmHead.perShard(w, pass, 5);
            pass.lossAndGradients(IDS, false, shard -> {
                MaskedLmHead head = heads[shard.index()];
                head.tokenLogProbs(shard.hidden(), rows(TARGETS, shard), rows(MASK, shard));
                head.backward(Arrays.copyOfRange(scale, shard.fromRow(), shard.toRow()), shard.dHidden(), shard.dLmHead());
                return 0;
            });
            Map<String, INDArray> grads = new HashMap<>();
            pass.gradients().forEach((k, v) -> grads.put(k, v.dup()));
            return grads;
        }
    }

    private static int[][] rows(int[][] all, ShardedBackprop.Shard shard) {
        return Arrays.copyOfRange(all, shard.fromRow(), shard.toRow());
    }

    private static float[][] rows(float[][] all, ShardedBackprop.Shard shard) {
        return Arrays.copyOfRange(all, shard.fromRow(), shard.toRow());
    }
}
