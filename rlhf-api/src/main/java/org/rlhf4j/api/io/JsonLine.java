package org.rlhf4j.api.io;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.Optional;

/**
 * One JSON object of a JSON Lines file, with where it came from, and typed field access whose errors
 * name the file and line.
 *
 * @param file the file
 * @param number the 1-based line number
 * @param json the object
 */
public record JsonLine(Path file, long number, ObjectNode json) {
    public JsonLine {
        requireNonNull(file, "file is null");
        requireNonNull(json, "json is null");
    }

    /** Whether the object has a non-null {@code field}. */
    public boolean has(String field) {
        JsonNode value = json.get(field);
        return value != null && !value.isNull();
    }

    /** A required string field. */
    public String text(String field) {
        return optionalText(field).orElseThrow(() -> error("missing string field '" + field + "'"));
    }

    /** An optional string field (numbers and booleans are read as their text). */
    public Optional<String> optionalText(String field) {
        JsonNode value = json.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isValueNode()) {
            throw error("field '" + field + "' must be a string, got " + value.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
        }
        return Optional.of(value.asText());
    }

    /** An optional boolean field. */
    public Optional<Boolean> optionalBoolean(String field) {
        JsonNode value = json.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isBoolean()) {
            throw error("field '" + field + "' must be true or false, got " + value);
        }
        return Optional.of(value.booleanValue());
    }

    /** An error about this line. */
    public DataFormatException error(String problem) {
        return new DataFormatException(file, number, problem);
    }
}
