package org.rlhf4j.engine.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.rlhf4j.engine.random.Rng;

class KvDecoderTest {
    private static final TransformerConfig CFG = TransformerConfig.of(40, 32, 4, 2, 16);

    /** Weights with non-trivial layer norms and biases. */
    private static TransformerWeights weights(long seed) {
        TransformerWeights w = TransformerWeights.init(CFG, Heads.LM, new Rng(seed));
        w.asMap().forEach((k, a) -> { if (a.rank() == 1) { a.addi(Nd4j.rand(a.dataType(), a.shape()).subi(0.5).muli(0.4)); } });
        return w;
    }

    @Test
    void bufferedStepsGiveTheLogitsOfTheWholePrefixRecomputed() {
        Rng rng = new Rng(11);
        TransformerWeights w = weights(11);
        Nd4jForward f = new Nd4jForward(w, 1);
        int[][] ids = GraphVsNd4jTest.randomIds(rng, 3, 10, CFG.vocabSize());
        int[] pad = {0, 3, 1};
        // capacity 14 > 10 columns used: the unwritten cache columns must stay masked out
        KvDecoder dec = new KvDecoder(w, 14, pad);
        checkAgainstRecomputation(dec, f, ids, pad, 5);
        assertThrows(IllegalStateException.class, () -> dec.prefill(prefix(ids, 5)));
        assertThrows(IllegalArgumentException.class, () -> dec.next(new int[] {0, CFG.vocabSize(), 0}));
    }

    @Test
    void oneDecoderServesBatchAfterBatchAndFollowsWeightUpdates() {
        Rng rng = new Rng(12);
        TransformerWeights w = weights(12);
        Nd4jForward f = new Nd4jForward(w, 1);
        KvDecoder dec = new KvDecoder(w, 4, CFG.maxSeqLen());
        int[][] ids = GraphVsNd4jTest.randomIds(rng, 4, 12, CFG.vocabSize());
        checkAgainstRecomputation(reset(dec, new int[] {2, 0, 5, 1}), f, ids, new int[] {2, 0, 5, 1}, 6);
        // fewer rows, other padding, and weights changed in place (as training does between calls)
        w.get("h1.mlp.w1").muli(1.5);
        w.get("lm_head").addi(0.05);
        int[][] two = GraphVsNd4jTest.randomIds(rng, 2, 16, CFG.vocabSize());
        checkAgainstRecomputation(reset(dec, new int[] {0, 7}), f, two, new int[] {0, 7}, 9);
        assertThrows(IllegalArgumentException.class, () -> dec.reset(new int[5]));
    }

    @Test
    void doubleWeightsDecodeInFloat() {
        Rng rng = new Rng(13);
        TransformerWeights w = weights(13).castTo(DataType.DOUBLE);
        Nd4jForward f = new Nd4jForward(w, 1);
        int[][] ids = GraphVsNd4jTest.randomIds(rng, 2, 8, CFG.vocabSize());
        checkAgainstRecomputation(new KvDecoder(w, 8, new int[] {1, 0}), f, ids, new int[] {1, 0}, 4);
    }

    private static KvDecoder reset(KvDecoder dec, int[] pad) {
        dec.reset(pad);
        return dec;
    }

    /** Prefills {@code promptLen} columns, then steps to the end of {@code ids}, comparing every step with the full recomputation. */
    private static void checkAgainstRecomputation(KvDecoder dec, Nd4jForward f, int[][] ids, int[] pad, int promptLen) {
        int rows = ids.length;
        INDArray first = asArray(dec.prefill(prefix(ids, promptLen)), rows);
        assertEquals(0.0, maxAbsDiff(first, f.lastLogits(prefix(ids, promptLen), pad)), 1e-4);
        for (int j = promptLen; j < ids[0].length; j++) {
            INDArray full = f.lastLogits(prefix(ids, j + 1), pad);
            int[] column = new int[rows];
            for (int i = 0; i < rows; i++) {
                column[i] = ids[i][j];
            }
            INDArray inc = asArray(dec.next(column), rows);
            assertEquals(0.0, maxAbsDiff(inc, full), 1e-4, "column " + j);
            assertTrue(full.amaxNumber().doubleValue() > 0.1, "logits are not trivially small");
        }
    }

    private static INDArray asArray(float[] logits, int rows) {
        return Nd4j.create(Arrays.copyOf(logits, rows * CFG.vocabSize()), new long[] {rows, CFG.vocabSize()}, 'c');
    }

    private static int[][] prefix(int[][] ids, int n) {
        int[][] out = new int[ids.length][];
        for (int i = 0; i < ids.length; i++) {
            out[i] = Arrays.copyOf(ids[i], n);
        }
        return out;
    }

    private static double maxAbsDiff(INDArray a, INDArray b) {
        return a.castTo(DataType.DOUBLE).sub(b.castTo(DataType.DOUBLE)).amaxNumber().doubleValue();
    }
}
