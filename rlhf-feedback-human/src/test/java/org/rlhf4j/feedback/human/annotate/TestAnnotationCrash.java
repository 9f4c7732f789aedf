package org.rlhf4j.feedback.human.annotate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rlhf4j.api.feedback.Choice;

/**
 * A load test with a real crash: 20 annotators submit 2,000 labels concurrently over loopback to a server in a
 * child JVM; the child is killed with SIGKILL mid-run and restarted, and the annotators retry what was not
 * acknowledged. Afterwards every acknowledged label is in the store, with its content, and no label twice.
 */
class TestAnnotationCrash {
    private static final int ANNOTATORS = 20;
    private static final int PAIRS = 1000;
    private static final int PER_PAIR = 2;
    private static final int KILL_AFTER = 700;

    @TempDir
    Path store;

    private final AtomicReference<Http> server = new AtomicReference<>();

    @Test
    void everyAcknowledgedLabelSurvivesKillMinus9ExactlyOnce() throws Exception {
        Map<String, String> tokens = new HashMap<>();
        Map<String, List<String>> assigned = new HashMap<>();
        try (AnnotationStore setup = AnnotationStore.open(store)) {
            for (int i = 0; i < ANNOTATORS; i++) {
                tokens.put("annotator-" + i, setup.issueToken("annotator-" + i, Role.ANNOTATOR));
            }
            setup.setAnnotatorsPerPair(PER_PAIR);
            List<Pair> pairs = new ArrayList<>();
            for (int i = 0; i < PAIRS; i++) {
                pairs.add(new Pair("pair-" + i, "prompt " + i, "response a " + i, "response b " + i));
            }
            setup.addPairs(pairs);
            tokens.keySet().forEach(name -> assigned.put(name, setup.assignedTo(name)));
        }
        assertEquals(PAIRS * PER_PAIR, assigned.values().stream().mapToInt(List::size).sum());

        Process child = startChild();
        Map<String, Label> acknowledged = new ConcurrentHashMap<>();
        List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger failedAttempts = new AtomicInteger();
        AtomicInteger retriesFoundStored = new AtomicInteger();
        ExecutorService annotators = Executors.newFixedThreadPool(ANNOTATORS);
        long started = System.nanoTime();
        List<Future<?>> running = new ArrayList<>();
        for (String name : assigned.keySet()) {
            running.add(annotators.submit(() -> {
                for (String pair : assigned.get(name)) {
                    Label label = labelOf(name, pair);
                    boolean retry = false;
                    while (true) {
                        long sent = System.nanoTime();
                        try {
                            Http.Reply reply = server.get().label(tokens.get(name), pair, text(label.better()),
                                    text(label.moreHarmless()), label.responseASafe(), label.responseBSafe(), label.explanation());
                            if (reply.status() != 201 && reply.status() != 200) {
                                throw new AssertionError("label refused: " + reply.status() + " " + reply.body());
                            }
                            latencies.add(System.nanoTime() - sent);
                            acknowledged.put(name + "/" + pair, label);
                            if (retry && reply.status() == 200) {
                                retriesFoundStored.incrementAndGet();
                            }
                            break;
                        }
                        catch (IOException e) {
                            // the server is down: retry the same label (a browser would)
                            failedAttempts.incrementAndGet();
                            retry = true;
                            Thread.sleep(50);
                        }
                    }
                }
                return null;
            }));
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (acknowledged.size() < KILL_AFTER && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        child.destroyForcibly(); // SIGKILL, mid-run
        assertTrue(child.waitFor(10, TimeUnit.SECONDS));
        int acknowledgedAtKill = acknowledged.size();
        long killedAt = System.nanoTime();
        assertTrue(acknowledgedAtKill >= KILL_AFTER && acknowledgedAtKill < PAIRS * PER_PAIR,
                "killed mid-run: " + acknowledgedAtKill + " labels acknowledged");
        Files.delete(store.resolve("port"));
        child = startChild();
        long restartedAt = System.nanoTime();
        try {
            for (Future<?> annotator : running) {
                annotator.get(180, TimeUnit.SECONDS);
            }
        }
        finally {
            annotators.shutdownNow();
            child.destroyForcibly();
            child.waitFor(10, TimeUnit.SECONDS);
        }
        double seconds = (System.nanoTime() - started) / 1e9;

        try (AnnotationStore after = AnnotationStore.open(store)) {
            List<Label> labels = after.labels();
            Map<String, Integer> copies = new HashMap<>();
            labels.forEach(label -> copies.merge(label.annotator() + "/" + label.pairId(), 1, Integer::sum));
            assertEquals(PAIRS * PER_PAIR, labels.size(), "every label stored");
            assertTrue(copies.values().stream().allMatch(count -> count == 1), "no label twice");
            for (Label label : labels) {
                Label sent = acknowledged.get(label.annotator() + "/" + label.pairId());
                assertTrue(sent != null && sent.sameJudgment(label), "stored as acknowledged: " + label);
            }
            assertEquals(PAIRS * PER_PAIR, acknowledged.size());
        }
        long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
        System.out.printf("annotation load test: %d annotators, %d labels in %.1f s (%.0f labels/s overall, server down %.1f s "
                        + "after SIGKILL at %d acknowledged); %d attempts failed while down, %d retries found their label "
                        + "already stored; latency p50 %.1f ms, p95 %.1f ms, p99 %.1f ms, max %.1f ms%n",
                ANNOTATORS, PAIRS * PER_PAIR, seconds, PAIRS * PER_PAIR / seconds, (restartedAt - killedAt) / 1e9,
                acknowledgedAtKill, failedAttempts.get(), retriesFoundStored.get(), percentile(sorted, 0.50),
                percentile(sorted, 0.95), percentile(sorted, 0.99), sorted[sorted.length - 1] / 1e6);
    }

    /** A label that depends only on the annotator and pair, so a retry sends the same one. */
    private static Label labelOf(String annotator, String pair) {
        int h = Math.floorMod((annotator + pair).hashCode(), 12);
        Choice better = Choice.values()[h % 3];
        Choice harmless = Choice.values()[(h / 3) % 3];
        return new Label(pair, annotator, better, harmless, h % 2 == 0, h % 4 < 2, "because " + h, java.time.Instant.EPOCH);
    }

    private static String text(Choice choice) {
        return choice == Choice.TIE ? "tie" : choice.name();
    }

    private static double percentile(long[] sorted, double q) {
        return sorted[(int) Math.min(sorted.length - 1, Math.floor(q * sorted.length))] / 1e6;
    }

    private Process startChild() throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                ServerChild.class.getName(), store.toString());
        builder.redirectErrorStream(true);
        builder.redirectOutput(ProcessBuilder.Redirect.appendTo(store.resolve("child.log").toFile()));
        Process process = builder.start();
        Path port = store.resolve("port");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.exists(port)) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                process.destroyForcibly();
                throw new AssertionError("the server child did not start: " + Files.readString(store.resolve("child.log")));
            }
            Thread.sleep(20);
        }
        server.set(new Http(Integer.parseInt(Files.readString(port).trim())));
        return process;
    }
}
