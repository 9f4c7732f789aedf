package org.rlhf4j.api.config;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A {@code {type: name, ...}} mapping that picks a registered implementation: {@code type} plus the
 * implementation's own settings, bound later to the config class the type registered.
 *
 * @param type the registered type name
 * @param settings every other key of the mapping
 */
public record TypedConfig(String type, ObjectNode settings) {
    public TypedConfig {
        requireNonNull(type, "type is null");
        requireNonNull(settings, "settings is null");
    }

    /** Reads {@code {type: ..., key: value, ...}}. */
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    static TypedConfig fromTree(ObjectNode node) {
        JsonNode type = node.get("type");
        if (type == null || type.isNull()) {
            throw new IllegalArgumentException("missing 'type' (the registered type name; `rlhf plugins` lists them)");
        }
        if (!type.isTextual() || type.asText().isBlank()) {
            throw new IllegalArgumentException("'type' must be a type name, got " + type);
        }
        ObjectNode settings = node.deepCopy();
        settings.remove("type");
        return new TypedConfig(type.asText(), settings);
    }

    /** The mapping as written, {@code type} first. */
    @JsonValue
    ObjectNode toTree() {
        ObjectNode node = settings.objectNode();
        node.put("type", type);
        node.setAll(settings);
        return node;
    }
}
