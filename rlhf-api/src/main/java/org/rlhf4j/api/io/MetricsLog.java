package org.rlhf4j.api.io;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * An append-only {@code metrics.jsonl}: one JSON object per line, each written whole and flushed, so a
 * killed process loses at most the line it was writing.
 *
 * <p>{@link #resume(Path, long)} repairs the file of an interrupted run before appending: a torn last line
 * (no final newline, or not a JSON object) is cut off, and lines whose {@code step} is past the step the
 * run resumes from are dropped, because that work is about to be redone. The repaired file replaces the
 * old one durably ({@link DurableFiles}).
 */
public final class MetricsLog implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final BufferedWriter writer;

    private MetricsLog(Path file) throws IOException {
        this.writer = Files.newBufferedWriter(file, UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    /** Starts a new, empty metrics file (an existing one is truncated). */
    public static MetricsLog create(Path file) throws IOException {
        requireNonNull(file, "file is null");
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, "", UTF_8);
        return new MetricsLog(file);
    }

    /**
     * Reopens the metrics file of an interrupted run that resumes after step {@code resumedStep}: keeps the
     * whole lines with {@code step <= resumedStep}, drops a torn last line and every later line.
     */
    public static MetricsLog resume(Path file, long resumedStep) throws IOException {
        return resume(file, line -> line.path("step").asLong(Long.MAX_VALUE) <= resumedStep);
    }

    /** Reopens a metrics file keeping only the whole lines that {@code keep} accepts (a torn last line is dropped). */
    public static MetricsLog resume(Path file, Predicate<JsonNode> keep) throws IOException {
        requireNonNull(file, "file is null");
        requireNonNull(keep, "keep is null");
        Files.createDirectories(file.toAbsolutePath().getParent());
        StringBuilder kept = new StringBuilder();
        for (JsonNode line : readLines(file)) {
            if (keep.test(line)) {
                kept.append(JSON.writeValueAsString(line)).append('\n');
            }
        }
        DurableFiles.write(file, kept.toString());
        return new MetricsLog(file);
    }

    /**
     * The complete lines of a metrics file: objects on lines that end with a newline. A last line without
     * one (a write cut short) and lines that are not JSON objects are skipped.
     */
    public static List<JsonNode> readLines(Path file) throws IOException {
        List<JsonNode> lines = new ArrayList<>();
        if (!Files.exists(file)) {
            return lines;
        }
        String text = Files.readString(file, UTF_8);
        int end = text.lastIndexOf('\n');
        if (end < 0) {
            return lines;
        }
        for (String line : text.substring(0, end).split("\n", -1)) {
            if (line.isBlank()) {
                continue;
            }
            try {
                JsonNode node = JSON.readTree(line);
                if (node != null && node.isObject()) {
                    lines.add(node);
                }
            }
            catch (JsonProcessingException e) {
                // a damaged line: dropped like a torn one
            }
        }
        return lines;
    }

    /** Appends one line and flushes it to the operating system. */
    public void append(Map<String, ?> line) {
        requireNonNull(line, "line is null");
        try {
            writer.write(JSON.writeValueAsString(line));
            writer.write('\n');
            writer.flush();
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot write a metrics line: " + e.getMessage(), e);
        }
    }


    @Override
    public void close() throws IOException {
        writer.close();
    }
}
