package org.rlhf4j.cli.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The files of a run directory: {@code preferences.jsonl} and {@code metrics.jsonl} (appended and flushed
 * line by line) and {@code summary.json} (rewritten after every arm). A batch is done when its metrics
 * line is written, the last thing written for it; {@code --resume} keeps the preferences of done batches
 * only, dropping the rest of an interrupted batch.
 */
final class RunFiles implements AutoCloseable {
    static final String PREFERENCES = "preferences.jsonl";
    static final String METRICS = "metrics.jsonl";
    static final String SUMMARY = "summary.json";

    /** A batch that is already done. */
    record BatchKey(String arm, long step) {}

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path directory;
    private final BufferedWriter preferences;
    private final BufferedWriter metrics;
    private final List<ObjectNode> doneMetrics;

    private RunFiles(Path directory, List<ObjectNode> doneMetrics) throws IOException {
        this.directory = directory;
        this.doneMetrics = new ArrayList<>(doneMetrics);
        this.preferences = Files.newBufferedWriter(directory.resolve(PREFERENCES), StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        this.metrics = Files.newBufferedWriter(directory.resolve(METRICS), StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    /** Opens a fresh run directory (created if needed; it must not hold a run already). */
    static RunFiles create(Path directory) {
        try {
            Files.createDirectories(directory);
            for (String name : List.of(PREFERENCES, METRICS, SUMMARY)) {
                if (Files.exists(directory.resolve(name))) {
                    throw new RunSetupException("output directory " + directory + " already holds a run (" + name
                            + "); use --resume to continue it or --out to choose another directory");
                }
            }
            return new RunFiles(directory, List.of());
        }
        catch (IOException e) {
            throw new RunSetupException("cannot create output directory " + directory + ": " + e, e);
        }
    }

    /** Reopens a run directory, keeping the preferences and metrics of its completed batches only. */
    static RunFiles resume(Path directory) {
        if (!Files.isDirectory(directory)) {
            throw new RunSetupException("cannot resume: " + directory + " is not a directory");
        }
        try {
            List<ObjectNode> done = readObjects(directory.resolve(METRICS));
            Set<BatchKey> keys = new HashSet<>();
            done.forEach(line -> keys.add(key(line)));
            List<ObjectNode> kept = new ArrayList<>();
            for (ObjectNode preference : readObjects(directory.resolve(PREFERENCES))) {
                if (keys.contains(key(preference))) {
                    kept.add(preference);
                }
            }
            rewrite(directory.resolve(PREFERENCES), kept);
            rewrite(directory.resolve(METRICS), done);
            return new RunFiles(directory, done);
        }
        catch (IOException e) {
            throw new RunSetupException("cannot resume " + directory + ": " + e, e);
        }
    }

    /** The batches done before this run started. */
    Set<BatchKey> doneBatches() {
        Set<BatchKey> keys = new HashSet<>();
        doneMetrics.forEach(line -> keys.add(key(line)));
        return keys;
    }

    /** The metrics lines written so far (before and during this run). */
    List<ObjectNode> metricsLines() {
        return List.copyOf(doneMetrics);
    }

    void writePreference(ObjectNode line) {
        append(preferences, line);
    }

    void writeMetrics(ObjectNode line) {
        append(metrics, line);
        doneMetrics.add(line);
    }

    void writeSummary(JsonNode summary) {
        try {
            Path temporary = directory.resolve(SUMMARY + ".tmp");
            Files.writeString(temporary, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(summary) + "\n");
            Files.move(temporary, directory.resolve(SUMMARY), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot write " + directory.resolve(SUMMARY) + ": " + e, e);
        }
    }

    private static void append(BufferedWriter writer, ObjectNode line) {
        try {
            writer.write(JSON.writeValueAsString(line));
            writer.write('\n');
            writer.flush();
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot write to the run directory: " + e, e);
        }
    }

    private static BatchKey key(ObjectNode line) {
        return new BatchKey(line.path("arm").asText(), line.path("step").asLong(-1));
    }

    /** The parseable objects of a JSONL output file; a torn last line from an interrupted run is dropped. */
    private static List<ObjectNode> readObjects(Path file) throws IOException {
        List<ObjectNode> objects = new ArrayList<>();
        if (!Files.exists(file)) {
            return objects;
        }
        for (String text : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (text.isBlank()) {
                continue;
            }
            try {
                if (JSON.readTree(text) instanceof ObjectNode object) {
                    objects.add(object);
                }
            }
            catch (IOException e) {
                // a line cut short by an interruption: its batch has no metrics line, so it is redone
            }
        }
        return objects;
    }

    private static void rewrite(Path file, List<ObjectNode> lines) throws IOException {
        StringBuilder text = new StringBuilder();
        for (ObjectNode line : lines) {
            text.append(JSON.writeValueAsString(line)).append('\n');
        }
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        try {
            preferences.close();
            metrics.close();
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
