package org.rlhf4j.report;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.rlhf4j.api.io.MetricsLog;

/**
 * What the report reads from a run directory, and nothing else: {@code summary.json}, {@code metrics.jsonl},
 * {@code samples.jsonl}, {@code preferences.jsonl} and the resolved config, which the run keeps in every checkpoint
 * ({@code checkpoints/step-N/config.json}, the SFT policy's newest).
 *
 * @param directory the run directory
 * @param summary {@code summary.json}
 * @param metrics the lines of {@code metrics.jsonl}
 * @param samples the lines of {@code samples.jsonl}
 * @param preferences the lines of {@code preferences.jsonl}
 * @param config the resolved config, empty when the run kept no checkpoint
 */
public record RunFiles(Path directory, JsonNode summary, List<JsonNode> metrics, List<JsonNode> samples,
        List<JsonNode> preferences, Optional<JsonNode> config) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public RunFiles {
        requireNonNull(directory, "directory is null");
        requireNonNull(summary, "summary is null");
        metrics = List.copyOf(metrics);
        samples = List.copyOf(samples);
        preferences = List.copyOf(preferences);
        requireNonNull(config, "config is null");
    }

    /** Reads a finished (or partly finished) task experiment's run directory. */
    public static RunFiles read(Path directory) {
        requireNonNull(directory, "directory is null");
        Path summaryFile = directory.resolve("summary.json");
        if (!Files.isRegularFile(summaryFile)) {
            throw new ReportException(directory + " holds no summary.json: not a run directory of rlhf run");
        }
        try {
            JsonNode summary = JSON.readTree(summaryFile.toFile());
            if (!"task".equals(summary.path("kind").asText()) || !summary.path("arms").isArray()) {
                throw new ReportException(summaryFile + " is not a task experiment's summary (kind "
                        + summary.path("kind").asText("missing") + "): a labelling run's report is its summary.json and "
                        + "preferences.jsonl");
            }
            return new RunFiles(directory, summary, lines(directory.resolve("metrics.jsonl")),
                    lines(directory.resolve("samples.jsonl")), lines(directory.resolve("preferences.jsonl")),
                    resolvedConfig(directory.resolve("checkpoints")));
        }
        catch (IOException e) {
            throw new ReportException("cannot read the run directory " + directory + ": " + e.getMessage(), e);
        }
    }

    /** The summary's arms, in run order. */
    public List<JsonNode> arms() {
        List<JsonNode> arms = new ArrayList<>();
        summary.path("arms").forEach(arms::add);
        return arms;
    }

    /** The resolved config of arm {@code name} ({@code arms[i]} with that name), empty if unknown. */
    public Optional<JsonNode> armConfig(String name) {
        return config.flatMap(c -> {
            for (JsonNode arm : c.path("arms")) {
                if (name.equals(arm.path("name").asText())) {
                    return Optional.of(arm);
                }
            }
            return Optional.empty();
        });
    }

    private static List<JsonNode> lines(Path file) throws IOException {
        try {
            return MetricsLog.readLines(file);
        }
        catch (IOException | RuntimeException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    /** The newest SFT checkpoint's config.json: the config as the run resolved it (defaults filled in). */
    private static Optional<JsonNode> resolvedConfig(Path checkpoints) throws IOException {
        if (!Files.isDirectory(checkpoints)) {
            return Optional.empty();
        }
        Optional<Path> newest;
        try (Stream<Path> children = Files.list(checkpoints)) {
            newest = children.filter(p -> p.getFileName().toString().matches("step-\\d+"))
                    .filter(p -> Files.isRegularFile(p.resolve("config.json")))
                    .max(java.util.Comparator.comparing(p -> p.getFileName().toString()));
        }
        if (newest.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(JSON.readTree(newest.get().resolve("config.json").toFile()));
    }
}
