package org.rlhf4j.algorithms.bench.paths;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.rlhf4j.algorithms.bench.HotPath;

/** Each hot path runs at the bench size and reports the work it did (throughput is measured by the bench, not here). */
class EnginePathsTest {
    @Test
    void everyPathRunsAndCountsItsTokens() {
        Map<String, Long> expected = Map.of(
                "train_tokens_per_s", 32L * 48,
                "logprob_tokens_per_s", 32L * 48,
                "generate_tokens_per_s", 32L * 40,
                "generate_nocache_tokens_per_s", 32L * 40);
        List<Supplier<HotPath>> all = EnginePaths.all();
        assertEquals(4, all.size());
        for (Supplier<HotPath> s : all) {
            try (HotPath p = s.get()) {
                assertEquals("tokens/s", p.unit());
                assertEquals(expected.get(p.name()), p.runOnce(), p.name());
            }
        }
    }
}
