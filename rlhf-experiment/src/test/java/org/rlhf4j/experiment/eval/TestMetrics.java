package org.rlhf4j.experiment.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class TestMetrics {
    @Test
    void winRateAgainstItselfIsOneHalf() {
        double[] scores = {0.3, -0.2, 0.9, 0.9};
        assertEquals(0.5, WinRate.of(scores, scores));
    }

    @Test
    void winRateCountsTiesAsHalf() {
        assertEquals(0.5, WinRate.of(new double[] {1, 2, 3}, new double[] {0, 2, 4}));
        assertEquals(0.875, WinRate.of(new double[] {1, 1, 1, 0}, new double[] {0, 0, 0, 0}));
        assertEquals(0.75, WinRate.of(new double[] {1.0, 2.0}, new double[] {1.05, 1.0}, 0.1));
        assertThrows(IllegalArgumentException.class, () -> WinRate.of(new double[0], new double[0]));
        assertThrows(IllegalArgumentException.class, () -> WinRate.of(new double[1], new double[2]));
    }

    @Test
    void pairwiseAccuracy() {
        assertEquals(0.625, PairwiseAccuracy.of(new double[] {2, 1, 0.5, 3}, new double[] {1, 1, 1, 0}));
        assertEquals(1.0, PairwiseAccuracy.of(new double[] {1}, new double[] {0}));
    }

    @Test
    void distinctNOnAHandExample() {
        List<String> responses = List.of("the cat sat.", "the cat ran.");
        // tokens: [the, cat, sat, .] and [the, cat, ran, .]
        assertEquals(5.0 / 8.0, Diversity.distinctN(responses, 1), 1e-12);
        assertEquals(5.0 / 6.0, Diversity.distinctN(responses, 2), 1e-12);
        assertEquals(1.0, Diversity.distinctN(responses, 3), 1e-12);
        assertEquals(0.0, Diversity.distinctN(List.of("a"), 2));
        assertEquals(4.0, Diversity.meanLength(responses));
        assertEquals(List.of("great", ",", "isn't", "it", "<unk>", "!"), Diversity.tokens("Great, isn't it <unk>!"));
        assertEquals(0.25, Diversity.distinctN(List.of("great great great great great"), 2), 1e-12);
    }

    @Test
    void pearsonOnHandExamples() {
        assertEquals(1.0, Correlation.pearson(new double[] {1, 2, 3, 4}, new double[] {2, 4, 6, 8}), 1e-12);
        assertEquals(-1.0, Correlation.pearson(new double[] {1, 2, 3, 4}, new double[] {8, 6, 4, 2}), 1e-12);
        assertEquals(0.5, Correlation.pearson(new double[] {1, 2, 3}, new double[] {1, 3, 2}), 1e-12);
        assertTrue(Double.isNaN(Correlation.pearson(new double[] {1, 1}, new double[] {1, 2})));
    }

    @Test
    void spearmanWithTies() {
        assertArrayEquals(new double[] {1, 2.5, 2.5, 4}, Correlation.ranks(new double[] {1, 2, 2, 3}));
        assertArrayEquals(new double[] {3, 1, 2}, Correlation.ranks(new double[] {9, -1, 0}));
        // ranks x = {1, 2.5, 2.5, 4}, y = {1, 3, 2, 4}: 4.5 / sqrt(4.5 * 5) = 3 / sqrt(10)
        assertEquals(3 / Math.sqrt(10), Correlation.spearman(new double[] {1, 2, 2, 3}, new double[] {1, 3, 2, 4}), 1e-12);
        double[] x = {1, 2, 3, 4};
        double[] cubes = {1, 8, 27, 64};
        assertEquals(1.0, Correlation.spearman(x, cubes), 1e-12);
        assertTrue(Correlation.pearson(x, cubes) < 0.99);
    }
}
