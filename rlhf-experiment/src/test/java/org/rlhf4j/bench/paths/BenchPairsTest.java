package org.rlhf4j.bench.paths;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.rlhf4j.bench.BenchShape;
import org.rlhf4j.engine.tokenizer.SequenceEncoder.Encoded;
import org.rlhf4j.engine.tokenizer.SpecialTokens;

/** The bench's synthetic pairs are the batch torch_reference.py's {@code bench_pairs} builds. */
class BenchPairsTest {
    @Test
    void defaultShapeGivesSixteenPairsOfRealisticLengths() {
        List<Encoded[]> pairs = BenchPairs.build(BenchShape.DEFAULT);
        assertEquals(16, pairs.size());
        int total = 0;
        for (Encoded[] pair : pairs) {
            assertArrayEquals(java.util.Arrays.copyOf(pair[0].tokens(), 8), java.util.Arrays.copyOf(pair[1].tokens(), 8), "one prompt per pair");
            for (Encoded e : pair) {
                assertEquals(8, e.promptLength());
                assertEquals(SpecialTokens.BOS_ID, e.tokens()[0]);
                assertEquals(SpecialTokens.EOS_ID, e.tokens()[e.tokens().length - 1]);
                assertTrue(e.responseLength() >= 20 && e.responseLength() <= 30, "response of " + e.responseLength());
                total += e.tokens().length;
            }
        }
        // the same figures as torch_reference.py's bench_pairs (pair 0: responses of 20 and 25 tokens)
        assertEquals(20, pairs.get(0)[0].responseLength());
        assertEquals(25, pairs.get(0)[1].responseLength());
        assertEquals(4 + (131 * 3 + 17 * 2) % 1020, pairs.get(3)[0].tokens()[2]);
        assertEquals(4 + (257 * (2 * 3 + 1 + 1) + 29 * 9) % 1020, pairs.get(3)[1].tokens()[9]);
        assertEquals(32 * 8 + sumOfResponses(16), total);
    }

    private static int sumOfResponses(int pairs) {
        int sum = 0;
        for (int i = 0; i < pairs; i++) {
            sum += 20 + (7 * i) % 11 + 20 + (7 * i + 5) % 11;
        }
        return sum;
    }

    @Test
    void responsesAreCutToTheContext() {
        BenchShape small = new BenchShape(50, 16, 2, 1, 12, 3, 4);
        List<Encoded[]> pairs = BenchPairs.build(small);
        assertEquals(1, pairs.size());
        assertEquals(12, pairs.get(0)[0].tokens().length);
    }
}
