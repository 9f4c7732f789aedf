package org.rlhf4j.bench.paths;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.rlhf4j.bench.BenchKeys;
import org.rlhf4j.bench.BenchShape;
import org.rlhf4j.bench.HotPath;

/** Each hot path runs at the bench size and reports the work it did (throughput is measured by the bench, not here). */
class EnginePathsTest {
    @Test
    void everyPathRunsAndCountsItsTokens() {
        Map<String, Long> expected = Map.of(
                BenchKeys.TRAIN, 32L * 48,
                BenchKeys.LOGPROB, 32L * 48,
                BenchKeys.GENERATE, 32L * 40,
                BenchKeys.GENERATE_KV, 32L * 40,
                BenchKeys.DPO, 16L,
                BenchKeys.REWARD_MODEL, 16L,
                BenchKeys.PPO, 64L);
        List<Supplier<HotPath>> all = EnginePaths.all(BenchShape.DEFAULT);
        assertEquals(7, all.size());
        for (Supplier<HotPath> s : all) {
            try (HotPath p = s.get()) {
                assertEquals(unit(p.name()), p.unit());
                p.warmUp();
                assertEquals(expected.get(p.name()), p.runOnce(), p.name());
            }
        }
    }

    @Test
    void providerServesEveryShapeUnderBenchKeys() {
        for (BenchShape shape : BenchShape.NAMED.values()) {
            List<HotPath> paths = new EngineHotPaths().hotPaths(shape);
            assertEquals(List.of(BenchKeys.TRAIN, BenchKeys.LOGPROB, BenchKeys.GENERATE_KV, BenchKeys.GENERATE, BenchKeys.DPO,
                    BenchKeys.REWARD_MODEL, BenchKeys.PPO),
                    paths.stream().map(HotPath::name).toList());
            paths.forEach(HotPath::close);
        }
    }

    @Test
    void pathsRunAtAnotherShapeAndCountItsTokens() {
        BenchShape small = new BenchShape(50, 16, 2, 1, 12, 3, 4);
        for (Supplier<HotPath> s : EnginePaths.all(small)) {
            try (HotPath p = s.get()) {
                p.warmUp();
                // the PPO iteration keeps ppo's 64 rollouts at any shape (8 new tokens each here)
                long expected = p.name().startsWith("generate") ? 3L * 8 : p.name().endsWith("pairs_per_s") ? 1L
                        : p.name().equals(BenchKeys.PPO) ? 64L : 3L * 12;
                assertEquals(expected, p.runOnce(), p.name());
            }
        }
    }

    private static String unit(String key) {
        return key.endsWith("pairs_per_s") ? "pairs/s" : key.endsWith("rollouts_per_s") ? "rollouts/s" : "tokens/s";
    }
}
