package org.rlhf4j.engine.random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RngTest {
    @Test
    void stateRoundTripsAndStreamsAreReproducible() {
        Rng a = new Rng(123);
        a.nextLong();
        Rng b = Rng.fromState(a.state());
        for (int i = 0; i < 100; i++) {
            assertEquals(a.nextLong(), b.nextLong());
        }
        assertEquals(new Rng(5).nextLong(), new Rng(5).nextLong());
        assertNotEquals(new Rng(5).nextLong(), new Rng(6).nextLong());
    }

    @Test
    void distributionsHaveTheRightMoments() {
        Rng r = new Rng(9);
        int n = 200_000;
        double sum = 0;
        double sq = 0;
        int[] counts = new int[7];
        for (int i = 0; i < n; i++) {
            double g = r.nextGaussian();
            sum += g;
            sq += g * g;
            counts[r.nextInt(7)]++;
            double u = r.nextDouble();
            assertTrue(u >= 0 && u < 1);
        }
        assertEquals(0.0, sum / n, 0.01);
        assertEquals(1.0, sq / n, 0.01);
        for (int c : counts) {
            assertEquals(n / 7.0, c, 5 * Math.sqrt(n / 7.0));
        }
        int[] perm = r.permutation(50);
        assertEquals(50 * 49 / 2, java.util.Arrays.stream(perm).sum());
        assertEquals(50, java.util.Arrays.stream(perm).distinct().count());
    }
}
