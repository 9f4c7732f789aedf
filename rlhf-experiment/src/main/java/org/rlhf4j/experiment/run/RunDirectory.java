package org.rlhf4j.experiment.run;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.rlhf4j.api.io.DurableFiles;
import org.rlhf4j.api.io.MetricsLog;
import org.rlhf4j.engine.checkpoint.CheckpointStore;
import org.rlhf4j.engine.train.TrainingLoop;

/**
 * The one writer of a run directory: {@code metrics.jsonl} and {@code preferences.jsonl} (appended and
 * flushed line by line), {@code samples.jsonl} and {@code summary.json} (rewritten whole and atomically),
 * {@code checkpoints/}. It owns the "already holds a run" check: a fresh run refuses a directory that holds
 * one, a resumed run needs one.
 */
public final class RunDirectory implements TrainingLoop.MetricsSink, AutoCloseable {
    public static final String METRICS = "metrics.jsonl";
    public static final String PREFERENCES = "preferences.jsonl";
    public static final String SAMPLES = "samples.jsonl";
    public static final String SUMMARY = "summary.json";
    public static final String CHECKPOINTS = "checkpoints";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path directory;
    private MetricsLog metrics;
    private BufferedWriter preferences;

    private RunDirectory(Path directory) {
        this.directory = directory;
    }

    /**
     * Opens a run directory: for a fresh run it must not hold a run (it is created if needed); to resume it must
     * hold one ({@code metrics.jsonl} or {@code checkpoints/}).
     *
     * @throws RunDirectoryException when the directory does not fit
     */
    public static RunDirectory open(Path directory, boolean resume) throws IOException {
        requireNonNull(directory, "directory is null");
        if (resume) {
            if (!Files.isDirectory(directory.resolve(CHECKPOINTS)) && !Files.exists(directory.resolve(METRICS))) {
                throw new RunDirectoryException("cannot resume: " + directory + " holds no run (no " + CHECKPOINTS + "/ or "
                        + METRICS + ")");
            }
        }
        else {
            for (String name : List.of(METRICS, PREFERENCES, SUMMARY, SAMPLES, CHECKPOINTS)) {
                if (Files.exists(directory.resolve(name))) {
                    throw new RunDirectoryException("output directory " + directory + " already holds a run (" + name
                            + "); use --resume to continue it or --out to choose another directory");
                }
            }
            Files.createDirectories(directory);
        }
        return new RunDirectory(directory);
    }

    /** The directory. */
    public Path path() {
        return directory;
    }

    /** A file or directory inside the run directory. */
    public Path resolve(String name) {
        return directory.resolve(name);
    }

    /** The checkpoint root of SFT ({@code checkpoints/}). */
    public Path checkpointRoot() {
        return directory.resolve(CHECKPOINTS);
    }

    /** The checkpoint store of one phase of an arm: {@code checkpoints/arms/<arm>/<phase>/}, keeping the newest two. */
    public CheckpointStore armCheckpoints(String arm, String phase) throws IOException {
        return CheckpointStore.open(checkpointRoot().resolve("arms").resolve(arm).resolve(phase), 2);
    }

    /** Appends a metrics line. */
    @Override
    public synchronized void append(Map<String, Object> line) {
        try {
            metricsLog().append(line);
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot write " + resolve(METRICS) + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void dropAfter(String arm, String phase, long step) throws IOException {
        dropMetrics(line -> arm.equals(line.path("arm").asText()) && phase.equals(line.path("phase").asText())
                && line.path("step").asLong() > step);
    }

    /** Rewrites {@code metrics.jsonl} without the lines {@code drop} accepts (and without a torn last line). */
    public synchronized void dropMetrics(Predicate<JsonNode> drop) throws IOException {
        closeMetrics();
        metrics = MetricsLog.resume(resolve(METRICS), drop.negate());
    }

    /** The complete lines of {@code metrics.jsonl}. */
    public List<JsonNode> metricsLines() throws IOException {
        return MetricsLog.readLines(resolve(METRICS));
    }

    /** Appends a line to {@code preferences.jsonl}. */
    public synchronized void appendPreference(ObjectNode line) {
        try {
            if (preferences == null) {
                preferences = Files.newBufferedWriter(resolve(PREFERENCES), StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND);
            }
            preferences.write(JSON.writeValueAsString(line));
            preferences.write('\n');
            preferences.flush();
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot write " + resolve(PREFERENCES) + ": " + e.getMessage(), e);
        }
    }

    /** The complete lines of {@code preferences.jsonl}. */
    public List<JsonNode> preferenceLines() throws IOException {
        return MetricsLog.readLines(resolve(PREFERENCES));
    }

    /** Rewrites {@code preferences.jsonl} without the lines {@code drop} accepts (and without a torn last line). */
    public synchronized void dropPreferences(Predicate<JsonNode> drop) throws IOException {
        if (preferences != null) {
            preferences.close();
            preferences = null;
        }
        if (Files.exists(resolve(PREFERENCES))) {
            MetricsLog.resume(resolve(PREFERENCES), drop.negate()).close();
        }
    }

    /** Writes {@code samples.jsonl} whole (atomically). */
    public void writeSamples(List<ObjectNode> lines) throws IOException {
        StringBuilder text = new StringBuilder();
        for (ObjectNode line : lines) {
            text.append(JSON.writeValueAsString(line)).append('\n');
        }
        DurableFiles.write(resolve(SAMPLES), text.toString());
    }

    /** Writes {@code summary.json} whole (atomically, indented). */
    public void writeSummary(JsonNode summary) throws IOException {
        DurableFiles.write(resolve(SUMMARY),
                JSON.copy().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(summary) + "\n");
    }

    private MetricsLog metricsLog() throws IOException {
        if (metrics == null) {
            metrics = MetricsLog.resume(resolve(METRICS), line -> true);
        }
        return metrics;
    }

    private void closeMetrics() throws IOException {
        if (metrics != null) {
            metrics.close();
            metrics = null;
        }
    }

    @Override
    public synchronized void close() throws IOException {
        closeMetrics();
        if (preferences != null) {
            preferences.close();
            preferences = null;
        }
    }
}
