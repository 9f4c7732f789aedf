package org.rlhf4j.bench.paths;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.rlhf4j.bench.BenchKeys;
import org.rlhf4j.bench.BenchShape;
import org.rlhf4j.bench.HotPath;
import org.rlhf4j.engine.model.TransformerWeights;

/**
 * Each hot path runs at the bench size and reports the work it did (throughput is measured by the bench, not here):
 * the count it returns, and evidence that the work ran (a finite loss and an optimizer update, finite log-probs,
 * tokens really generated).
 */
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
                assertEquals(expected.get(p.name()), runAndCheck(p), p.name());
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
                assertEquals(expected, runAndCheck(p), p.name());
            }
        }
    }

    private static String unit(String key) {
        return key.endsWith("pairs_per_s") ? "pairs/s" : key.endsWith("rollouts_per_s") ? "rollouts/s" : "tokens/s";
    }

    /** Runs {@code path} once and checks that its work ran; returns the count it reported. */
    private static long runAndCheck(HotPath path) {
        if (path instanceof TrainStepPath train) {
            INDArray before = firstParameter(train.weights()).dup();
            long count = train.runOnce();
            assertTrue(Double.isFinite(train.lastLoss()) && train.lastLoss() > 0, "training loss " + train.lastLoss());
            assertNotEquals(before, firstParameter(train.weights()), "the training step updated the weights");
            return count;
        }
        if (path instanceof PairStepPath pairs) {
            long updates = pairs.updates();
            long count = pairs.runOnce();
            assertTrue(Double.isFinite(pairs.lastLoss()) && pairs.lastLoss() > 0, path.name() + " loss " + pairs.lastLoss());
            assertEquals(updates + 1, pairs.updates(), "one optimizer update per step");
            return count;
        }
        if (path instanceof LogProbPath logProbs) {
            long count = logProbs.runOnce();
            long scored = 0;
            for (float[] row : logProbs.lastLogProbs()) {
                for (float logProb : row) {
                    assertTrue(logProb <= 0 && Float.isFinite(logProb), "a token's log-prob " + logProb);
                    scored++;
                }
            }
            assertEquals(count, scored, "one log-prob per token counted");
            return count;
        }
        if (path instanceof PpoIterationPath ppo) {
            long count = ppo.runOnce();
            assertTrue(Double.isFinite(ppo.lastMeanKl()), "the iteration's KL " + ppo.lastMeanKl());
            assertTrue(ppo.lastParts().get("generate") > 0, ppo.lastParts().toString());
            return count;
        }
        assertTrue(path instanceof GenerationPath, path.getClass().getName());
        return path.runOnce(); // the tokens the generator really produced (GenerationResult.totalTokens)
    }

    private static INDArray firstParameter(TransformerWeights weights) {
        return weights.asMap().values().iterator().next();
    }
}
