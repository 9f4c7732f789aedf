package org.rlhf4j.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BenchRunnerTest {

    @Test
    void medianMinAndMaxOfThroughputExcludingWarmUp() {
        // 1000 units in 1 s, 2 s, 0.5 s, 4 s, 1.25 s -> 1000, 500, 2000, 250, 800 units/s
        FakeHotPath path = new FakeHotPath("train_tokens_per_s", 1000,
                1_000_000_000L, 2_000_000_000L, 500_000_000L, 4_000_000_000L, 1_250_000_000L);
        BenchResult result = new BenchRunner(5, path::now).run(path);
        assertEquals(1, path.warmUps);
        assertEquals(5, path.runs);
        assertEquals(800.0, result.median(), 1e-9);
        assertEquals(250.0, result.min(), 1e-9);
        assertEquals(2000.0, result.max(), 1e-9);
        assertArrayEquals(new double[] {1000, 500, 2000, 250, 800}, result.samples(), 1e-9);
        assertEquals("tokens/s", result.unit());
        assertEquals("train_tokens_per_s", result.name());
    }

    @Test
    void evenNumberOfRepeatsAveragesTheMiddleTwo() {
        BenchResult result = BenchResult.of("x", "u", new double[] {4, 1, 3, 10});
        assertEquals(3.5, result.median(), 0);
        assertEquals(1, result.min(), 0);
        assertEquals(10, result.max(), 0);
        BenchResult scaled = result.scaled(1e-3, "k");
        assertEquals(0.0035, scaled.median(), 1e-15);
        assertEquals("k", scaled.unit());
    }

    @Test
    void rejectsBadInput() {
        assertThrows(IllegalArgumentException.class, () -> new BenchRunner(0));
        FakeHotPath idle = new FakeHotPath("idle", 0, 1L);
        assertThrows(IllegalStateException.class, () -> new BenchRunner(1, idle::now).run(idle));
    }

    @Test
    void matmulReferenceCountsTwoNCubedFlopsPerMatmul() {
        MatmulReference matmul = new MatmulReference(64, 3);
        assertEquals("matmul_64_gflops", matmul.name());
        assertThrows(IllegalStateException.class, matmul::runOnce);
        matmul.warmUp();
        assertEquals(3L * 2 * 64 * 64 * 64, matmul.runOnce());
        BenchResult result = matmul.measure(new BenchRunner(3));
        assertEquals("GFLOP/s", result.unit());
        assertTrue(result.min() > 0.01 && result.max() < 10_000, result.toString());
        assertEquals("matmul_1024_gflops", new MatmulReference().name());
    }

    @Test
    void defaultShapeMatchesModelSpecParameterCount() {
        BenchShape shape = BenchShape.DEFAULT;
        assertEquals(40, shape.newTokens());
        // tok_emb 1024*128 + pos_emb 48*128 + 2 layers * 198,272 + ln_f 256 + lm_head 128*1024,
        // the count torch_reference.py prints for the same model
        assertEquals(665_088L, shape.params());
        // the large shape: the count torch_reference.py --shapes large prints
        assertEquals(3_696_128L, BenchShape.LARGE.params());
        assertEquals(BenchShape.LARGE, BenchShape.named("large"));
        assertThrows(IllegalArgumentException.class, () -> BenchShape.named("huge"));
        assertThrows(IllegalArgumentException.class, () -> new BenchShape(10, 130, 4, 1, 8, 1, 2));
        assertThrows(IllegalArgumentException.class, () -> new BenchShape(10, 128, 4, 1, 8, 1, 8));
    }
}
