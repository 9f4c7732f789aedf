package org.rlhf4j.api.io;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads a JSON Lines file one object at a time (blank lines are skipped), so large files stream and an
 * error names the file and line it is on.
 */
public final class JsonLinesReader implements Closeable {
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private final Path file;
    private final BufferedReader reader;
    private long lineNumber;

    private JsonLinesReader(Path file, BufferedReader reader) {
        this.file = file;
        this.reader = reader;
    }

    /** Opens {@code file}; a missing file is an {@link UncheckedIOException} naming it. */
    public static JsonLinesReader open(Path file) {
        requireNonNull(file, "file is null");
        try {
            return new JsonLinesReader(file, Files.newBufferedReader(file, StandardCharsets.UTF_8));
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot open " + file + ": " + e, e);
        }
    }

    /** Reads every object of {@code file}. */
    public static List<JsonLine> readAll(Path file) {
        try (JsonLinesReader reader = open(file)) {
            List<JsonLine> lines = new ArrayList<>();
            for (Optional<JsonLine> line = reader.next(); line.isPresent(); line = reader.next()) {
                lines.add(line.get());
            }
            return lines;
        }
    }

    /**
     * The next object, or empty at the end of the file.
     *
     * @throws DataFormatException when the line is not a JSON object
     */
    public Optional<JsonLine> next() {
        try {
            String text;
            while ((text = reader.readLine()) != null) {
                lineNumber++;
                if (text.isBlank()) {
                    continue;
                }
                JsonNode node;
                try {
                    node = JSON.readTree(text);
                }
                catch (JsonProcessingException e) {
                    throw new DataFormatException(file, lineNumber, "not valid JSON: " + e.getOriginalMessage(), e);
                }
                if (!(node instanceof ObjectNode object)) {
                    throw new DataFormatException(file, lineNumber, "expected a JSON object, got " + text.strip());
                }
                return Optional.of(new JsonLine(file, lineNumber, object));
            }
            return Optional.empty();
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + " after line " + lineNumber + ": " + e, e);
        }
    }

    @Override
    public void close() {
        try {
            reader.close();
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
