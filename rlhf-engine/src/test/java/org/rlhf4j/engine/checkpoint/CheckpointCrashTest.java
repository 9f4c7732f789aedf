package org.rlhf4j.engine.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Kills a child JVM that saves checkpoints in a loop (SIGKILL, at random moments) several times and
 * checks that the latest checkpoint always loads complete and valid.
 */
class CheckpointCrashTest {
    private static final int ROUNDS = 8;

    @Test
    void killingTheWriterAtRandomMomentsNeverLeavesAHalfCheckpoint(@TempDir Path root, @TempDir Path logs)
            throws Exception {
        Random random = new Random(20240611L);
        long previousLatest = 0;
        int roundsWithLeftovers = 0;
        for (int round = 0; round < ROUNDS; round++) {
            Path log = logs.resolve("writer-" + round + ".log");
            Process child = startWriter(root, log);
            try (BufferedReader out = new BufferedReader(
                    new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                String first = out.readLine(); // blocks until the child has saved once (or died)
                assertNotNull(first, "writer exited before saving: " + Files.readString(log));
                assertTrue(first.startsWith("saved "), first);
                Thread.sleep(random.nextInt(400));
                child.destroyForcibly();
                assertTrue(child.waitFor(10, TimeUnit.SECONDS), "child did not die");
            }
            if (!hidden(root).isEmpty()) {
                roundsWithLeftovers++;
            }

            CheckpointStore store = CheckpointStore.open(root, 3);
            assertEquals(List.of(), hidden(root), "open() removes the crash leftovers");
            List<Long> steps = store.steps();
            assertFalse(steps.isEmpty());
            assertTrue(steps.size() <= 4, "retention keeps 3 (+1 if killed mid-retention): " + steps);
            Checkpoint latest = store.loadLatest().orElseThrow();
            assertValid(latest);
            assertTrue(latest.step() > previousLatest,
                    "round " + round + ": latest " + latest.step() + " after " + previousLatest);
            for (long step : steps) {
                assertValid(store.load(step));
            }
            previousLatest = latest.step();
        }
        System.out.printf("crash test: %d kills, last step %d, %d kills left .tmp/.old/.del leftovers%n",
                ROUNDS, previousLatest, roundsWithLeftovers);
    }

    private static void assertValid(Checkpoint c) {
        long step = c.step();
        Checkpoint expected = CheckpointWriterProcess.checkpoint(step);
        float[] w = c.model().get("w").dup().data().asFloat();
        assertEquals(CheckpointWriterProcess.MODEL_SIZE, w.length);
        assertEquals(step, w[0], 0f);
        assertEquals(CheckpointWriterProcess.MODEL_SIZE - 1 + step, w[w.length - 1], 0f);
        assertEquals(expected.model().get("w"), c.model().get("w"));
        assertEquals(DataType.DOUBLE, c.model().get("b").dataType());
        assertEquals(step / 3.0, c.model().get("b").getDouble(256), 0.0);
        assertEquals(expected.optimizerState().get("m"), c.optimizerState().get("m"));
        assertArrayEquals(new long[] {step, step * 31}, c.rngState());
        assertEquals("{\"step\":" + step + "}", c.configJson());
        assertEquals(Long.toString(step), c.metadata().get("step"));
    }

    private static Process startWriter(Path root, Path log) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(java, "-Xmx512m", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"),
                CheckpointWriterProcess.class.getName(), root.toString());
        builder.environment().put("OMP_NUM_THREADS", "1");
        builder.redirectError(log.toFile());
        return builder.start();
    }

    private static List<String> hidden(Path root) throws IOException {
        try (Stream<Path> files = Files.list(root)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".")).sorted().toList();
        }
    }
}
