package org.rlhf4j.feedback.human.annotate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rlhf4j.api.feedback.Choice;
import org.rlhf4j.feedback.human.annotate.LabelChange.Action;

/**
 * A load test with a real crash: 100 annotators each label their ~100 assigned pairs (10,000 first labels), with
 * changes of earlier labels, withdrawals and undos mixed in, concurrently over loopback, to a server in a child JVM.
 * Every change carries its own {@code Idempotency-Key}. A backup is taken while they work; the child is then killed
 * with SIGKILL mid-run and restarted, and each annotator resends, with the same key, the change that was not
 * acknowledged. Afterwards every acknowledged change is in the history exactly once, in each annotator's order and
 * with its content, the current labels are what the annotators' own record says, the backup holds exactly the
 * history up to its last change and exports the labels the live store had then, and no token is in the store.
 */
class TestAnnotationCrash {
    /** 100 annotators unless {@code -Drlhf4j.annotate.load.annotators=N} (a bigger load, measured in a separate run). */
    private static final int ANNOTATORS = Integer.getInteger("rlhf4j.annotate.load.annotators", 100);
    /** 5,000 pairs, two annotators each (10,000 first labels), unless {@code -Drlhf4j.annotate.load.pairs=N}. */
    private static final int PAIRS = Integer.getInteger("rlhf4j.annotate.load.pairs", 5000);
    private static final int PER_PAIR = 2;
    private static final int BACKUP_AFTER = PAIRS * PER_PAIR / 4;
    private static final int KILL_AFTER = PAIRS * PER_PAIR * 55 / 100;
    /** How long to wait for the annotators: generous, for a loaded CI machine and for bigger loads. */
    private static final long PATIENCE_SECONDS = 240 + PAIRS * PER_PAIR / 50;
    private static final double EDITS = 0.15;
    private static final double WITHDRAWALS = 0.03;
    private static final double UNDOS = 0.03;

    @TempDir
    Path store;

    private final AtomicReference<Http> server = new AtomicReference<>();
    private final AtomicInteger acknowledged = new AtomicInteger();
    private final AtomicInteger failedAttempts = new AtomicInteger();
    private final AtomicInteger repeated = new AtomicInteger();
    private final List<Long> latencies = Collections.synchronizedList(new ArrayList<>());

    @Test
    void everyAcknowledgedChangeSurvivesKillMinus9ExactlyOnce() throws Exception {
        Map<String, String> tokens = new LinkedHashMap<>();
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

        Path log = store.resolve("server.log");
        ServerProcess child = ServerProcess.start(store, log, "warn");
        server.set(new Http(child.port()));
        Map<String, Annotator> annotators = new LinkedHashMap<>();
        tokens.forEach((name, token) -> annotators.put(name, new Annotator(name, token, assigned.get(name))));
        ExecutorService pool = Executors.newFixedThreadPool(ANNOTATORS);
        long started = System.nanoTime();
        List<Future<?>> running = new ArrayList<>();
        annotators.values().forEach(annotator -> running.add(pool.submit(() -> {
            annotator.work();
            return null;
        })));
        long killedAt;
        long restartedAt;
        int acknowledgedAtKill;
        Path backup = store.resolve("backup").resolve("during-load.db");
        try {
            awaitAcknowledged(BACKUP_AFTER);
            long backupStarted = System.nanoTime();
            long changes = new HumanAnnotationApp().backup(store, backup);
            double backupSeconds = (System.nanoTime() - backupStarted) / 1e9;
            System.out.printf("annotation load test: backup of %d changes taken under load in %.2f s%n", changes, backupSeconds);
            awaitAcknowledged(KILL_AFTER);
            child.kill(); // SIGKILL, mid-run
            killedAt = System.nanoTime();
            acknowledgedAtKill = acknowledged.get();
            child = ServerProcess.start(store, log, "warn");
            server.set(new Http(child.port()));
            restartedAt = System.nanoTime();
            for (Future<?> annotator : running) {
                annotator.get(PATIENCE_SECONDS, TimeUnit.SECONDS);
            }
        }
        finally {
            pool.shutdownNow();
            child.close();
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        int total = acknowledged.get();
        assertTrue(acknowledgedAtKill < total, "killed mid-run: " + acknowledgedAtKill + " of " + total + " acknowledged");

        List<Expected> expectedAll = new ArrayList<>();
        annotators.values().forEach(annotator -> expectedAll.addAll(annotator.sent));
        assertEquals(total, expectedAll.size());
        long firstLabels = expectedAll.stream().filter(e -> e.kind == Kind.FIRST).count();
        assertEquals(PAIRS * PER_PAIR, firstLabels, "every assigned pair labelled once first");

        try (AnnotationStore after = AnnotationStore.open(store)) {
            List<LabelChange> history = after.history();
            Map<String, Integer> copies = new HashMap<>();
            history.forEach(change -> copies.merge(change.annotator() + "/" + change.requestId().orElse("none"), 1, Integer::sum));
            assertEquals(total, history.size(), "every acknowledged change appended, and nothing else");
            assertTrue(copies.values().stream().allMatch(count -> count == 1), "no change twice");
            Map<String, List<LabelChange>> byAnnotator = new HashMap<>();
            history.forEach(change -> byAnnotator.computeIfAbsent(change.annotator(), k -> new ArrayList<>()).add(change));
            for (Annotator annotator : annotators.values()) {
                List<LabelChange> theirs = byAnnotator.getOrDefault(annotator.name, List.of());
                assertEquals(annotator.sent.size(), theirs.size(), annotator.name);
                for (int i = 0; i < theirs.size(); i++) {
                    Expected sent = annotator.sent.get(i);
                    LabelChange stored = theirs.get(i);
                    assertEquals(Optional.of(sent.key), stored.requestId(), "in the annotator's order");
                    assertEquals(sent.pair, stored.pairId());
                    assertEquals(sent.kind.action, stored.action());
                    assertEquals(sent.after.isPresent(), stored.label().isPresent(), sent.key);
                    sent.after.ifPresent(label -> assertTrue(label.sameJudgment(stored.label().orElseThrow()), sent.key));
                    assertEquals(annotator.name, stored.author());
                }
            }
            Map<String, Label> expectedCurrent = new HashMap<>();
            annotators.values().forEach(annotator -> annotator.current.forEach((pair, label) ->
                    expectedCurrent.put(annotator.name + "/" + pair, label)));
            List<Label> current = after.labels();
            assertEquals(expectedCurrent.size(), current.size(), "the current labels");
            for (Label label : current) {
                Label mine = expectedCurrent.get(label.annotator() + "/" + label.pairId());
                assertTrue(mine != null && mine.sameJudgment(label), "current as the annotator last set it: " + label);
            }
            checkBackup(backup, history);
        }
        assertNoTokenIn(tokens.values());

        long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
        long edits = expectedAll.stream().filter(e -> e.kind == Kind.EDIT).count();
        long withdrawals = expectedAll.stream().filter(e -> e.kind == Kind.WITHDRAW).count();
        long undos = expectedAll.stream().filter(e -> e.kind == Kind.UNDO).count();
        double down = (restartedAt - killedAt) / 1e9;
        System.out.printf("annotation load test: %d annotators, %d changes (%d first labels, %d edits, %d withdrawals, "
                        + "%d undos) in %.1f s: %.0f changes/s overall, %.0f/s excluding the %.1f s the server was down "
                        + "after SIGKILL at %d acknowledged; %d attempts failed while down, %d retries found their change "
                        + "already applied; latency p50 %.1f ms, p95 %.1f ms, p99 %.1f ms, max %.1f ms%n",
                ANNOTATORS, total, firstLabels, edits, withdrawals, undos, seconds, total / seconds, total / (seconds - down),
                down, acknowledgedAtKill, failedAttempts.get(), repeated.get(), percentile(sorted, 0.50),
                percentile(sorted, 0.95), percentile(sorted, 0.99), sorted[sorted.length - 1] / 1e6);
    }

    /**
     * The backup is a consistent snapshot: its history is exactly the live history up to its last change (no gap, no
     * torn change), and it exports the labels the live store had at that change.
     */
    private void checkBackup(Path backup, List<LabelChange> live) throws IOException {
        try (AnnotationStore copy = AnnotationStore.open(backup)) {
            List<LabelChange> copied = copy.history();
            assertFalse(copied.isEmpty());
            long last = copied.get(copied.size() - 1).seq();
            List<LabelChange> liveThen = live.stream().filter(change -> change.seq() <= last).toList();
            assertEquals(liveThen, copied, "the backup holds the live history up to change " + last);
            assertTrue(copied.size() >= BACKUP_AFTER && copied.size() < live.size(), "taken under load: " + copied.size());
            Map<String, Label> labelsThen = new LinkedHashMap<>();
            for (LabelChange change : liveThen) {
                String key = change.annotator() + "/" + change.pairId();
                labelsThen.remove(key);
                change.label().ifPresent(label -> labelsThen.put(key, label));
            }
            assertEquals(new HashSet<>(labelsThen.values()), new HashSet<>(copy.labels()), "the labels of the live store at change " + last);
            Path exported = store.resolve("backup").resolve("labels.jsonl");
            long lines = AnnotationExport.export(copy, exported, store.resolve("backup").resolve("labels.agreement.json"));
            assertEquals(labelsThen.size(), lines);
            List<String> exportedLines = Files.readAllLines(exported);
            assertEquals(lines, exportedLines.size());
            JsonNode first = Http.JSON.readTree(exportedLines.get(0));
            assertTrue(labelsThen.containsKey(first.get("annotator").asText() + "/" + first.get("pair_id").asText()));
        }
    }

    private void assertNoTokenIn(Iterable<String> tokens) throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(store)) {
            files = walk.filter(Files::isRegularFile).filter(path -> path.getFileName().toString().contains(".db")
                    || path.getFileName().toString().endsWith(".log")).toList();
        }
        for (Path file : files) {
            String content = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
            for (String token : tokens) {
                assertFalse(content.contains(token), "a token in plain text in " + file);
            }
        }
    }

    private void awaitAcknowledged(int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(PATIENCE_SECONDS);
        while (acknowledged.get() < count) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("only " + acknowledged.get() + " changes acknowledged");
            }
            Thread.sleep(5);
        }
    }

    private static double percentile(long[] sorted, double q) {
        return sorted[(int) Math.min(sorted.length - 1, Math.floor(q * sorted.length))] / 1e6;
    }

    /** What an annotator did. */
    private enum Kind {
        FIRST(Action.LABEL), EDIT(Action.LABEL), WITHDRAW(Action.WITHDRAW), UNDO(Action.UNDO);

        final Action action;

        Kind(Action action) {
            this.action = action;
        }
    }

    /** A change an annotator had acknowledged: its key, pair, kind and the label it left (the annotator's own record). */
    private record Expected(String key, String pair, Kind kind, Optional<Label> after, boolean[] undone) {}

    /** One annotator: works through their pairs, mixing in edits, withdrawals and undos, and records what was acknowledged. */
    private final class Annotator {
        final String name;
        final String token;
        final List<String> pairs;
        final Random random;
        final List<Expected> sent = new ArrayList<>();
        final Map<String, Label> current = new LinkedHashMap<>();

        Annotator(String name, String token, List<String> pairs) {
            this.name = name;
            this.token = token;
            this.pairs = pairs;
            this.random = new Random(name.hashCode());
        }

        void work() throws InterruptedException {
            for (String pair : pairs) {
                label(pair, Kind.FIRST);
                if (random.nextDouble() < EDITS) {
                    label(anyLabelled(), Kind.EDIT);
                }
                if (random.nextDouble() < WITHDRAWALS) {
                    withdraw(anyLabelled());
                }
                if (random.nextDouble() < UNDOS) {
                    undo();
                }
            }
        }

        private String anyLabelled() {
            List<String> labelled = new ArrayList<>(current.keySet());
            return labelled.get(random.nextInt(labelled.size()));
        }

        private void label(String pair, Kind kind) throws InterruptedException {
            String key = name + "-" + sent.size();
            Label label = new Label(pair, name, Choice.values()[random.nextInt(3)], Choice.values()[random.nextInt(3)],
                    random.nextBoolean(), random.nextBoolean(), kind.name().toLowerCase(Locale.ROOT) + " " + key, Instant.EPOCH);
            send(key, () -> server.get().label(token, pair, text(label.better()), text(label.moreHarmless()),
                    label.responseASafe(), label.responseBSafe(), label.explanation(), key));
            record(key, pair, kind, Optional.of(label));
        }

        private void withdraw(String pair) throws InterruptedException {
            String key = name + "-" + sent.size();
            send(key, () -> server.get().withdraw(token, pair, key));
            record(key, pair, Kind.WITHDRAW, Optional.empty());
        }

        /** Undoes the latest change not undone (an undo is never undone): the pair gets the label it had before it. */
        private void undo() throws InterruptedException {
            int target = sent.size() - 1;
            while (target >= 0 && (sent.get(target).kind == Kind.UNDO || sent.get(target).undone[0])) {
                target--;
            }
            if (target < 0) {
                return;
            }
            String pair = sent.get(target).pair;
            Optional<Label> before = Optional.empty();
            for (int i = target - 1; i >= 0; i--) {
                if (sent.get(i).pair.equals(pair)) {
                    before = sent.get(i).after;
                    break;
                }
            }
            String key = name + "-" + sent.size();
            JsonNode reply = send(key, () -> server.get().undo(token, key));
            assertEquals(pair, reply.get("pair_id").asText(), "the server undid the change the annotator expected");
            sent.get(target).undone[0] = true;
            record(key, pair, Kind.UNDO, before);
        }

        private void record(String key, String pair, Kind kind, Optional<Label> after) {
            sent.add(new Expected(key, pair, kind, after, new boolean[1]));
            if (after.isPresent()) {
                current.put(pair, after.get());
            }
            else {
                current.remove(pair);
            }
            acknowledged.incrementAndGet();
        }

        /** Sends until acknowledged; while the server is down, resends the same change with the same key. */
        private JsonNode send(String key, Request request) throws InterruptedException {
            boolean retry = false;
            while (true) {
                long sentAt = System.nanoTime();
                try {
                    Http.Reply reply = request.send();
                    if (reply.status() == 429) {
                        Thread.sleep(1000L * Long.parseLong(reply.header("Retry-After")));
                        continue;
                    }
                    JsonNode body = reply.json();
                    String outcome = body.path("outcome").asText();
                    boolean applied = reply.status() == 201 || (reply.status() == 200 && outcome.equals("repeated"));
                    if (!applied) {
                        throw new AssertionError(key + " refused: " + reply.status() + " " + reply.body());
                    }
                    latencies.add(System.nanoTime() - sentAt);
                    if (outcome.equals("repeated")) {
                        assertTrue(retry, key + " repeated without a retry");
                        repeated.incrementAndGet();
                    }
                    return body;
                }
                catch (IOException e) {
                    failedAttempts.incrementAndGet();
                    retry = true;
                    Thread.sleep(50);
                }
            }
        }
    }

    /** One HTTP request of a change. */
    @FunctionalInterface
    private interface Request {
        Http.Reply send() throws IOException, InterruptedException;
    }

    private static String text(Choice choice) {
        return choice == Choice.TIE ? "tie" : choice.name();
    }
}
