package org.rlhf4j.engine.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.rlhf4j.engine.checkpoint.Checkpoint;
import org.rlhf4j.engine.checkpoint.CheckpointStore;
import org.rlhf4j.engine.model.Heads;
import org.rlhf4j.engine.model.ShardedLmBackprop;
import org.rlhf4j.engine.model.TransformerConfig;
import org.rlhf4j.engine.model.TransformerWeights;
import org.rlhf4j.engine.optim.AdamW;
import org.rlhf4j.engine.optim.LrSchedule;
import org.rlhf4j.engine.random.Rng;
import org.rlhf4j.engine.sft.LmBatch;
import org.rlhf4j.engine.sft.SftExample;

/**
 * The training loop's non-finite guard on a tiny language model (a real next-token step on {@link ShardedLmBackprop},
 * AdamW and a {@link CheckpointStore} in a temporary directory), with NaN injected into chosen steps: a NaN loss or gradient is
 * skipped (no update) and counted in the metrics line; too many in a row stop the run, whose last checkpoint holds
 * the last good weights.
 */
class TestTrainingLoop {
    private static final TransformerConfig CONFIG = TransformerConfig.of(11, 8, 2, 1, 6);
    private static final String PHASE = "sft";
    private static final List<SftExample> EXAMPLES = List.of(
            new SftExample(new int[] {1, 4, 5, 9, 2}, 2),
            new SftExample(new int[] {1, 6, 6, 8, 10, 2}, 3),
            new SftExample(new int[] {1, 9, 2}, 2),
            new SftExample(new int[] {1, 3, 8, 2}, 3));

    /** In-memory metrics lines. */
    private static final class Lines implements TrainingLoop.MetricsSink {
        final List<Map<String, Object>> lines = new ArrayList<>();

        @Override
        public void append(Map<String, Object> line) {
            lines.add(new LinkedHashMap<>(line));
        }

        @Override
        public void dropAfter(String arm, String phase, long step) {
            lines.removeIf(line -> ((Number) line.get("step")).longValue() > step);
        }

        Map<String, Object> at(long step) {
            return lines.stream().filter(line -> ((Number) line.get("step")).longValue() == step).findFirst().orElseThrow();
        }
    }

    /** A tiny language model, its optimizer and a real step, with NaN put into the loss or a gradient at chosen steps. */
    private static final class Setup implements TrainingLoop.Step, AutoCloseable {
        final TransformerWeights weights = TransformerWeights.init(CONFIG, Heads.LM, new Rng(3), DataType.FLOAT);
        final AdamW optimizer = new AdamW(weights, AdamW.Config.defaults(LrSchedule.constant(1e-2)));
        final ShardedLmBackprop step = new ShardedLmBackprop(weights, 2, CONFIG.maxSeqLen() - 1, 2, optimizer.gradientBuffers());
        final Set<Long> nanLoss;
        final Set<Long> nanGradient;
        /** The weights as each call found them (the weights after the previous step), and the losses returned. */
        final Map<Long, Map<String, INDArray>> before = new HashMap<>();
        final Map<Long, Double> losses = new HashMap<>();
        long calls;

        Setup(Set<Long> nanLoss, Set<Long> nanGradient) {
            this.nanLoss = nanLoss;
            this.nanGradient = nanGradient;
        }

        TrainingLoop loop(int steps, int logEvery, int checkpointEvery, int maxNonFinite, Lines lines, CheckpointStore store) {
            return new TrainingLoop(weights, optimizer, step.gradients(), new DataOrder(EXAMPLES.size(), 2, 7),
                    new TrainingLoop.Options("arm", PHASE, steps, logEvery, checkpointEvery, maxNonFinite), lines, store, "{}");
        }

        @Override
        public StepResult compute(int[] batch) {
            long s = ++calls;
            before.put(s, snapshot(weights));
            LmBatch rows = LmBatch.of(Arrays.stream(batch).mapToObj(EXAMPLES::get).toList(), 2, CONFIG.maxSeqLen() - 1);
            StepResult result = new StepResult(step.lossAndGradients(rows.ids(), rows.targets(), rows.lossMask()),
                    Map.of(PHASE + "/tokens", (double) rows.maskedTokens()));
            if (nanGradient.contains(s)) {
                step.gradients().get("h0.mlp.w1").putScalar(0, Double.NaN);
            }
            StepResult out = nanLoss.contains(s) ? new StepResult(Double.NaN, result.metrics()) : result;
            losses.put(s, out.loss());
            return out;
        }

        @Override
        public void close() {
            step.close();
        }
    }

    private static Map<String, INDArray> snapshot(TransformerWeights w) {
        Map<String, INDArray> copy = new HashMap<>();
        w.asMap().forEach((k, v) -> copy.put(k, v.dup()));
        return copy;
    }

    private static boolean same(Map<String, INDArray> a, Map<String, INDArray> b) {
        return a.keySet().equals(b.keySet()) && a.keySet().stream().allMatch(k -> a.get(k).equals(b.get(k)));
    }

    private static double number(Map<String, Object> line, String key) {
        assertTrue(line.containsKey(key), key + " missing from " + line);
        return ((Number) line.get(key)).doubleValue();
    }

    @Test
    void aNonFiniteLossOrGradientIsSkippedCountedAndLeavesTheWeights(@TempDir Path dir) throws IOException {
        Lines lines = new Lines();
        try (Setup setup = new Setup(Set.of(3L), Set.of(5L))) {
            TrainingLoop.Result result = setup.loop(6, 2, 2, 3, lines, CheckpointStore.open(dir, 0)).run(false, setup);
            assertEquals(6, result.steps());
            assertEquals(2, result.skippedSteps());
            assertEquals(4, setup.optimizer.step(), "4 updates in 6 steps");
            // step 3 (NaN loss) and step 5 (NaN gradient) left the weights as they were; the others changed them
            assertTrue(same(setup.before.get(3L), setup.before.get(4L)), "the NaN-loss step changed the weights");
            assertTrue(same(setup.before.get(5L), setup.before.get(6L)), "the NaN-gradient step changed the weights");
            assertFalse(same(setup.before.get(2L), setup.before.get(3L)));
            assertFalse(same(setup.before.get(4L), setup.before.get(5L)));
            assertFalse(same(setup.before.get(6L), snapshot(setup.weights)), "the step after a skipped one trains");
            setup.weights.asMap().forEach((k, v) -> assertTrue(Double.isFinite(v.sumNumber().doubleValue()), k + " is not finite"));
            // the lines: skipped steps counted, their loss and gradient norm left out of the window's means
            assertEquals(List.of(2L, 4L, 6L), lines.lines.stream().map(l -> ((Number) l.get("step")).longValue()).toList());
            assertEquals(0, number(lines.at(2), PHASE + "/skipped_steps"));
            assertEquals(1, number(lines.at(4), PHASE + "/skipped_steps"));
            assertEquals(1, number(lines.at(6), PHASE + "/skipped_steps"));
            assertEquals((setup.losses.get(1L) + setup.losses.get(2L)) / 2, number(lines.at(2), PHASE + "/loss"), 1e-12);
            assertEquals(setup.losses.get(4L), number(lines.at(4), PHASE + "/loss"), 1e-12);
            assertEquals(setup.losses.get(6L), number(lines.at(6), PHASE + "/loss"), 1e-12);
            assertTrue(Double.isFinite(number(lines.at(6), PHASE + "/grad_norm")));
            assertTrue(Double.isFinite(number(lines.at(4), PHASE + "/tokens")));
            assertEquals(result.lastLoss(), setup.losses.get(6L), 1e-12);
        }
    }

    @Test
    void nonFiniteStepsInARowStopTheRunAndTheLastCheckpointHoldsTheLastGoodWeights(@TempDir Path dir) throws IOException {
        Lines lines = new Lines();
        CheckpointStore store = CheckpointStore.open(dir, 0);
        Map<String, INDArray> lastGood;
        try (Setup setup = new Setup(Set.of(3L, 4L, 5L, 6L), Set.of())) {
            NonFiniteLossException e = assertThrows(NonFiniteLossException.class,
                    () -> setup.loop(10, 1, 2, 3, lines, store).run(false, setup));
            assertTrue(e.getMessage().contains("3 steps in a row") && e.getMessage().contains("at step 5"), e.getMessage());
            assertEquals(5, setup.calls, "stopped at the third NaN step in a row");
            assertEquals(2, setup.optimizer.step());
            lastGood = setup.before.get(3L); // the weights after step 2, the last finite one
            assertTrue(same(lastGood, snapshot(setup.weights)), "the weights in memory are the last good ones");
            // step 4 fell on a checkpoint inside the streak: it holds the unchanged, good weights; step 5 saved nothing
            assertEquals(List.of(2L, 4L), store.steps());
            Checkpoint latest = store.loadLatest().orElseThrow();
            assertEquals(4, latest.step());
            assertTrue(same(lastGood, latest.model()), "the last checkpoint holds the last good weights");
            assertTrue(same(lastGood, store.load(2).model()));
            assertEquals("false", latest.metadata().get("complete"));
            assertEquals(1, number(lines.at(3), PHASE + "/skipped_steps"));
            assertEquals(1, number(lines.at(4), PHASE + "/skipped_steps"));
            assertEquals(List.of(1L, 2L, 3L, 4L), lines.lines.stream().map(l -> ((Number) l.get("step")).longValue()).toList());
        }
        // a run resumed from there (the cause removed) continues from the last checkpoint to the end
        try (Setup healthy = new Setup(Set.of(), Set.of())) {
            TrainingLoop.Result result = healthy.loop(10, 1, 2, 3, lines, store).run(true, healthy);
            assertEquals(4, result.resumedFrom());
            assertEquals(10, result.steps());
            assertEquals(6, healthy.calls);
            assertTrue(same(lastGood, healthy.before.get(1L)), "resumed from the last good weights");
            assertTrue(TrainingLoop.isComplete(store));
            assertNotEquals(0, number(lines.at(10), PHASE + "/loss"));
        }
    }

    /** A counter kept beside the model, as a KL controller or a Lagrange multiplier is. */
    private static final class Counter implements TrainingLoop.State {
        double value;

        @Override
        public Map<String, INDArray> export() {
            return Map.of("value", Nd4j.scalar(DataType.DOUBLE, value).reshape(1));
        }

        @Override
        public void restore(Map<String, INDArray> arrays) {
            value = arrays.get("value").getDouble(0);
        }
    }

    /** Adds each step's number to the counter, then runs the setup's step. */
    private static TrainingLoop.Step counting(Setup setup, Counter counter) {
        return new TrainingLoop.Step() {
            @Override
            public StepResult compute(int[] batch) {
                throw new UnsupportedOperationException();
            }

            @Override
            public StepResult compute(long s, int[] batch) {
                counter.value += s;
                return setup.compute(batch);
            }
        };
    }

    private static void deleteRecursively(Path path) throws IOException {
        try (var walk = java.nio.file.Files.walk(path)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                java.nio.file.Files.delete(p);
            }
        }
    }

    @Test
    void extraStateIsSavedWithEveryCheckpointAndRestoredOnResume(@TempDir Path dir) throws IOException {
        CheckpointStore store = CheckpointStore.open(dir, 0);
        Counter counter = new Counter();
        try (Setup setup = new Setup(Set.of(), Set.of())) {
            setup.loop(4, 1, 2, 3, new Lines(), store).withState("counter", counter).run(false, counting(setup, counter));
        }
        assertEquals(1 + 2 + 3 + 4, counter.value);
        assertEquals(1 + 2, store.load(2).optimizerState().get("state/counter/value").getDouble(0));
        // drop the final checkpoint: a resumed loop restores the counter of step 2, then counts steps 3 and 4 again
        deleteRecursively(dir.resolve(String.format("step-%08d", 4)));
        assertEquals(List.of(2L), store.steps());
        Counter resumed = new Counter();
        resumed.value = -100;
        try (Setup setup = new Setup(Set.of(), Set.of())) {
            setup.loop(4, 1, 2, 3, new Lines(), store).withState("counter", resumed).run(true, counting(setup, resumed));
        }
        assertEquals(counter.value, resumed.value);
        assertThrows(IllegalArgumentException.class,
                () -> new Setup(Set.of(), Set.of()).loop(1, 1, 1, 1, new Lines(), store).withState("counter", counter).withState("counter", counter));
    }
}
