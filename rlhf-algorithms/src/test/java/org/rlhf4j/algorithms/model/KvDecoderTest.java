package org.rlhf4j.algorithms.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.rlhf4j.algorithms.util.Rng;

class KvDecoderTest {
    @Test
    void bufferedStepsGiveTheLogitsOfTheWholePrefixRecomputed() {
        TransformerConfig cfg = TransformerConfig.of(40, 32, 4, 2, 16);
        Rng rng = new Rng(11);
        TransformerWeights w = TransformerWeights.init(cfg, Heads.LM, rng);
        // non-trivial layer norms and biases
        w.asMap().forEach((k, a) -> { if (a.rank() == 1) { a.addi(Nd4j.rand(a.dataType(), a.shape()).subi(0.5).muli(0.4)); } });
        Nd4jForward f = new Nd4jForward(w, 1);
        int[][] ids = GraphVsNd4jTest.randomIds(rng, 3, 10, cfg.vocabSize());
        int[] pad = {0, 3, 1};
        // capacity 14 > 10 columns used: the unwritten cache columns must stay masked out
        KvDecoder dec = new KvDecoder(w, 14, pad);
        INDArray first = dec.prefill(prefix(ids, 5));
        assertEquals(0.0, maxAbsDiff(first, f.lastLogits(prefix(ids, 5), pad)), 1e-4);
        for (int j = 5; j < 10; j++) {
            INDArray full = f.lastLogits(prefix(ids, j + 1), pad);
            INDArray inc = dec.next(new int[] {ids[0][j], ids[1][j], ids[2][j]});
            double diff = maxAbsDiff(inc, full);
            assertEquals(0.0, diff, 1e-4, "column " + j);
            assertEquals(true, full.amaxNumber().doubleValue() > 0.1, "logits are not trivially small");
        }
        assertThrows(IllegalStateException.class, () -> dec.prefill(prefix(ids, 5)));
        assertThrows(IllegalArgumentException.class, () -> dec.next(new int[] {0, cfg.vocabSize(), 0}));
    }

    private static int[][] prefix(int[][] ids, int n) {
        int[][] out = new int[ids.length][];
        for (int i = 0; i < ids.length; i++) {
            out[i] = Arrays.copyOf(ids[i], n);
        }
        return out;
    }

    private static double maxAbsDiff(INDArray a, INDArray b) {
        return a.sub(b).amaxNumber().doubleValue();
    }
}
