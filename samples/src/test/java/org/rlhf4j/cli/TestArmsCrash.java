package org.rlhf4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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

/**
 * A real crash mid-DPO: a child JVM runs SFT, preferences, reward and cost models and starts DPO; it is killed
 * with SIGKILL after DPO's first checkpoints; a fresh child resumes. The resumed run ends with the numbers of an
 * uninterrupted run: the same {@code summary.json} figures, the same DPO metrics lines, the same samples. Likewise mid
 * PPO-Lagrangian, in an arm's second round, and mid online DPO (a judge in its loop) and mid DAPO.
 */
class TestArmsCrash {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void resumingAfterSigkillMidDpoEndsWithTheUninterruptedNumbers(@TempDir Path directory) throws Exception {
        Path config = directory.resolve("tiny.yaml");
        Files.writeString(config, ArmsConfigs.tiny(4));
        Path uninterrupted = directory.resolve("uninterrupted");
        Path crashed = directory.resolve("crashed");
        finish(child(uninterrupted, config, "fresh", 0));

        long killedAt = killAfterCheckpoint(crashed, config, 300, crashed.resolve("checkpoints/arms/dpo/dpo"), 8);
        assertTrue(killedAt >= 8 && killedAt < 16, "killed after DPO checkpoint " + killedAt);
        assertTrue(!Files.exists(crashed.resolve("checkpoints/arms/ipo")), "the run went past DPO before the kill");
        Files.writeString(crashed.resolve("metrics.jsonl"), "{\"arm\": \"dpo\", \"step\": 9", StandardCharsets.UTF_8,
                StandardOpenOption.APPEND); // a line torn by the kill

        finish(child(crashed, config, "resume", 0));
        assertResumedAsUninterrupted(uninterrupted, crashed);
        assertEquals(MetricsLog.readLines(uninterrupted.resolve("preferences.jsonl")).size(),
                MetricsLog.readLines(crashed.resolve("preferences.jsonl")).size());
        System.out.printf("arms crash test: killed after DPO checkpoint %d of 16; resumed run equal to the uninterrupted one%n",
                killedAt);
    }

    @Test
    void resumingAfterSigkillMidPpoLagrangianEndsWithTheUninterruptedNumbers(@TempDir Path directory) throws Exception {
        Path config = directory.resolve("ppo.yaml");
        Files.writeString(config, ArmsConfigs.tinyPpo(8));
        Path uninterrupted = directory.resolve("uninterrupted");
        Path crashed = directory.resolve("crashed");
        finish(child(uninterrupted, config, "fresh", 0));

        long killedAt = killAfterCheckpoint(crashed, config, 250, crashed.resolve("checkpoints/arms/safe/ppo"), 2);
        assertTrue(killedAt >= 2 && killedAt < 8, "killed after PPO-Lagrangian checkpoint " + killedAt);

        finish(child(crashed, config, "resume", 0));
        assertResumedAsUninterrupted(uninterrupted, crashed);
        System.out.printf("arms crash test: killed after PPO-Lagrangian checkpoint %d of 8; resumed run equal to the uninterrupted one%n",
                killedAt);
    }

    @Test
    void resumingAfterSigkillInRoundTwoEndsWithTheUninterruptedNumbers(@TempDir Path directory) throws Exception {
        Path config = directory.resolve("rounds.yaml");
        Files.writeString(config, ArmsConfigs.tinyRounds(8));
        Path uninterrupted = directory.resolve("uninterrupted");
        Path crashed = directory.resolve("crashed");
        finish(child(uninterrupted, config, "fresh", 0));

        long killedAt = killAfterCheckpoint(crashed, config, 200, crashed.resolve("checkpoints/arms/ppo/round-2/ppo"), 2);
        assertTrue(killedAt >= 2 && killedAt < 8, "killed after round 2's PPO checkpoint " + killedAt);

        finish(child(crashed, config, "resume", 0));
        assertResumedAsUninterrupted(uninterrupted, crashed);
        assertEquals(preferences(uninterrupted), preferences(crashed));
        System.out.printf("arms crash test: killed after round 2's PPO checkpoint %d of 8; resumed run equal to the uninterrupted one%n",
                killedAt);
    }

    @Test
    void resumingAfterSigkillMidOnlineDpoAndMidDapoEndsWithTheUninterruptedNumbers(@TempDir Path directory) throws Exception {
        Path config = directory.resolve("online.yaml");
        Files.writeString(config, ArmsConfigs.TINY_ONLINE);
        Path uninterrupted = directory.resolve("uninterrupted");
        Path crashed = directory.resolve("crashed");
        finish(child(uninterrupted, config, "fresh", 0));

        // killed mid online DPO (the local judge labelling in its loop), then the resumed run killed mid DAPO
        long online = killAfterCheckpoint(crashed, config, 250, crashed.resolve("checkpoints/arms/online/online_dpo"), 2);
        assertTrue(online >= 2 && online < 8, "killed after online DPO checkpoint " + online);
        long dapo = killAfterCheckpoint(crashed, config, "resume", 250, crashed.resolve("checkpoints/arms/dapo/grpo"), 2);
        assertTrue(dapo >= 2 && dapo < 8, "killed after DAPO checkpoint " + dapo);

        finish(child(crashed, config, "resume", 0));
        assertResumedAsUninterrupted(uninterrupted, crashed);
        JsonNode judge = JSON.readTree(crashed.resolve("summary.json").toFile()).get("arms").get(0);
        // the judge's counters went through the kill in the checkpoints: 8 steps of 2 pairs, plus the monitor's scores
        assertTrue(judge.get("feedback_metrics").get("judge/judgements").asInt() >= 16, judge.toString());
        assertEquals(16, judge.get("budget").get("labels_in_training").asInt(), judge.toString());
        System.out.printf("arms crash test: killed after online DPO checkpoint %d and DAPO checkpoint %d of 8; resumed run equal to "
                + "the uninterrupted one%n", online, dapo);
    }

    /**
     * Starts a child JVM on {@code config} writing {@code out}, sleeping {@code sleepMillis} after every DPO or PPO step,
     * and kills it with SIGKILL once {@code checkpoints} holds step {@code atLeast}; returns the newest checkpoint then.
     */
    static long killAfterCheckpoint(Path out, Path config, long sleepMillis, Path checkpoints, long atLeast) throws Exception {
        return killAfterCheckpoint(out, config, "fresh", sleepMillis, checkpoints, atLeast);
    }

    /** As above, the child started in {@code mode} ({@code fresh} or {@code resume}). */
    static long killAfterCheckpoint(Path out, Path config, String mode, long sleepMillis, Path checkpoints, long atLeast)
            throws Exception {
        Process victim = child(out, config, mode, sleepMillis);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
        while (latest(checkpoints) < atLeast && victim.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertTrue(victim.isAlive(), "the child finished before it could be killed");
        victim.destroyForcibly(); // SIGKILL
        assertTrue(victim.waitFor(10, TimeUnit.SECONDS));
        return latest(checkpoints);
    }

    /** The resumed run's summary numbers, training lines and samples are the uninterrupted run's. */
    static void assertResumedAsUninterrupted(Path uninterrupted, Path resumed) throws IOException {
        assertEquals(TestArmsRun.numbers(JSON.readTree(uninterrupted.resolve("summary.json").toFile())),
                TestArmsRun.numbers(JSON.readTree(resumed.resolve("summary.json").toFile())));
        assertEquals(trainingLines(uninterrupted), trainingLines(resumed));
        assertEquals(Files.readString(uninterrupted.resolve("samples.jsonl")), Files.readString(resumed.resolve("samples.jsonl")));
    }

    /** The preference lines without their timestamps. */
    static List<JsonNode> preferences(Path run) throws IOException {
        List<JsonNode> lines = MetricsLog.readLines(run.resolve("preferences.jsonl"));
        lines.forEach(line -> ((com.fasterxml.jackson.databind.node.ObjectNode) line).remove("timestamp"));
        return lines;
    }

    /** The training lines of the arms (preferences, reward and cost models, DPO, IPO): every field is deterministic. */
    static List<JsonNode> trainingLines(Path run) throws IOException {
        return MetricsLog.readLines(run.resolve("metrics.jsonl")).stream()
                .filter(line -> line.has("phase") && !"eval".equals(line.get("phase").asText())).toList();
    }

    /** The newest complete checkpoint's step, read without opening the store (which would tidy a save in progress). */
    static long latest(Path checkpoints) throws IOException {
        if (!Files.isDirectory(checkpoints)) {
            return -1;
        }
        try (var children = Files.list(checkpoints)) {
            return children.map(p -> p.getFileName().toString()).filter(name -> name.matches("step-\\d+"))
                    .mapToLong(name -> Long.parseLong(name.substring(5))).max().orElse(-1);
        }
    }

    static void finish(Process process) throws InterruptedException {
        assertTrue(process.waitFor(180, TimeUnit.SECONDS), "child still running");
        assertEquals(0, process.exitValue(), "child exit code (see its -fresh/-resume .log)");
    }

    static Process child(Path out, Path config, String mode, long sleepMillis) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(java, "-Xmx2g", "-cp", System.getProperty("java.class.path"),
                ArmsRunChild.class.getName(), out.toString(), config.toString(), mode, Long.toString(sleepMillis));
        builder.environment().put("OMP_NUM_THREADS", "1");
        builder.redirectErrorStream(true);
        builder.redirectOutput(out.resolveSibling(out.getFileName() + "-" + mode + ".log").toFile());
        return builder.start();
    }
}
