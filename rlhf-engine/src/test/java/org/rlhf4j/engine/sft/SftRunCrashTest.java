package org.rlhf4j.engine.sft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rlhf4j.api.io.MetricsLog;
import org.rlhf4j.engine.checkpoint.CheckpointStore;

/**
 * A real crash: a child JVM trains with checkpoints and is killed with SIGKILL after a few checkpoints; a
 * fresh child JVM resumes; every logged loss equals the uninterrupted run's, bit for bit, and no metrics
 * line is lost or written twice.
 */
class SftRunCrashTest {
    @Test
    void resumingAfterSigkillGivesTheUninterruptedLosses(@TempDir Path directory) throws Exception {
        Path uninterrupted = directory.resolve("uninterrupted");
        Path crashed = directory.resolve("crashed");
        Files.createDirectories(uninterrupted);
        Files.createDirectories(crashed);
        finish(child(uninterrupted, "fresh", 0));
        List<JsonNode> expected = MetricsLog.readLines(uninterrupted.resolve("metrics.jsonl"));
        assertEquals(SftRunChild.STEPS / SftRunChild.LOG_EVERY, expected.size());

        Process victim = child(crashed, "fresh", 40);
        Path checkpoints = crashed.resolve("checkpoints");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (stepsSaved(checkpoints) < 3 && victim.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(victim.isAlive(), "the child finished before it could be killed");
        victim.destroyForcibly(); // SIGKILL: no shutdown hooks, no flushing
        assertTrue(victim.waitFor(10, TimeUnit.SECONDS));
        long checkpointStep = CheckpointStore.open(checkpoints, 0).latestStep().orElseThrow();
        assertTrue(checkpointStep >= 30 && checkpointStep < SftRunChild.STEPS, "killed at checkpoint " + checkpointStep);
        List<JsonNode> beforeResume = MetricsLog.readLines(crashed.resolve("metrics.jsonl"));
        // a line torn by the crash, as a kill in the middle of a write would leave it
        Files.writeString(crashed.resolve("metrics.jsonl"), "{\"step\": 99, \"sft/lo", StandardCharsets.UTF_8,
                StandardOpenOption.APPEND);

        finish(child(crashed, "resume", 0));
        List<JsonNode> resumed = MetricsLog.readLines(crashed.resolve("metrics.jsonl"));
        assertEquals(expected.size(), resumed.size());
        for (int i = 0; i < expected.size(); i++) {
            JsonNode want = expected.get(i);
            JsonNode got = resumed.get(i);
            assertEquals(want.get("step").asLong(), got.get("step").asLong(), "line " + i);
            // bit-identical losses and learning rates (Jackson writes doubles in round-trip form)
            assertEquals(want.get("sft/loss").asDouble(), got.get("sft/loss").asDouble(), 0.0, "loss at line " + i);
            assertEquals(want.get("sft/lr").asDouble(), got.get("sft/lr").asDouble(), 0.0, "lr at line " + i);
            assertEquals(want.get("sft/tokens").asLong(), got.get("sft/tokens").asLong(), "tokens at line " + i);
        }
        // the lines logged before the crash up to the checkpoint survive unchanged
        int kept = 0;
        for (JsonNode line : beforeResume) {
            if (line.get("step").asLong() <= checkpointStep) {
                assertEquals(line, resumed.get(kept++));
            }
        }
        assertEquals(checkpointStep / SftRunChild.LOG_EVERY, kept);
        String text = Files.readString(crashed.resolve("metrics.jsonl"), StandardCharsets.UTF_8);
        assertTrue(text.endsWith("\n") && !text.contains("\"step\":99"), text);
        System.out.printf("SFT crash test: killed after checkpoint %d with %d lines logged; resumed losses identical on "
                + "%d lines (last loss %.6f)%n", checkpointStep, beforeResume.size(), resumed.size(),
                resumed.get(resumed.size() - 1).get("sft/loss").asDouble());
    }

    private static void finish(Process process) throws InterruptedException {
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "child still running");
        assertEquals(0, process.exitValue(), "child exit code (see its -fresh/-resume .log)");
    }

    private static long stepsSaved(Path checkpoints) throws IOException {
        if (!Files.isDirectory(checkpoints)) {
            return 0;
        }
        try (var children = Files.list(checkpoints)) {
            return children.filter(p -> p.getFileName().toString().startsWith("step-")).count();
        }
    }

    private static Process child(Path directory, String mode, long sleepMillis) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(java, "-Xmx1g", "-cp", System.getProperty("java.class.path"),
                SftRunChild.class.getName(), directory.toString(), mode, Long.toString(sleepMillis));
        builder.environment().put("OMP_NUM_THREADS", "1");
        builder.redirectErrorStream(true);
        builder.redirectOutput(directory.resolveSibling(directory.getFileName() + "-" + mode + ".log").toFile());
        return builder.start();
    }
}
