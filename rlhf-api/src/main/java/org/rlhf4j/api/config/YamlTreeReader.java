package org.rlhf4j.api.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Reads a YAML file into a JSON tree, remembering the line and column of every key and list item. */
final class YamlTreeReader {
    private static final YAMLFactory YAML = new YAMLFactory();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final Path file;
    private final Map<String, String> origins = new HashMap<>();

    private YamlTreeReader(Path file) {
        this.file = file;
    }

    static ConfigTree read(Path file) {
        return new YamlTreeReader(file).read();
    }

    /** Parses a {@code --set} value as a YAML scalar (or flow list/map): {@code 0.1} is a number. */
    static JsonNode parseValue(String text) throws IOException {
        if (text.isEmpty()) {
            return NODES.textNode("");
        }
        try (JsonParser parser = YAML.createParser(text)) {
            JsonToken token = parser.nextToken();
            return token == null ? NODES.textNode(text) : new YamlTreeReader(Path.of("--set")).value(parser, ConfigPath.ROOT);
        }
    }

    private ConfigTree read() {
        String name = file.toString();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8);
                JsonParser parser = YAML.createParser(reader)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                throw new ConfigException(name, "", "", "the file is empty", null);
            }
            if (first != JsonToken.START_OBJECT) {
                throw new ConfigException(name, at(parser.currentTokenLocation()), "",
                        "the config must be a YAML mapping (key: value lines)", null);
            }
            ObjectNode root = (ObjectNode) value(parser, ConfigPath.ROOT);
            return new ConfigTree(file, root, origins);
        }
        catch (NoSuchFileException e) {
            throw new ConfigException(name, "", "", "the file does not exist", e);
        }
        catch (JsonProcessingException e) {
            String origin = e.getLocation() == null ? "" : at(e.getLocation());
            throw new ConfigException(name, origin, "", "not valid YAML: " + e.getOriginalMessage(), e);
        }
        catch (IOException e) {
            throw new ConfigException(name, "", "", "cannot read: " + e.getMessage(), e);
        }
    }

    private JsonNode value(JsonParser parser, ConfigPath path) throws IOException {
        JsonToken token = parser.currentToken();
        switch (token) {
            case START_OBJECT: {
                ObjectNode object = NODES.objectNode();
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String key = parser.currentName();
                    ConfigPath child = path.field(key);
                    origins.put(child.pointer(), at(parser.currentTokenLocation()));
                    if (object.has(key)) {
                        throw new ConfigException(file.toString(), at(parser.currentTokenLocation()),
                                child.toString(), "duplicate key", null);
                    }
                    parser.nextToken();
                    object.set(key, value(parser, child));
                }
                return object;
            }
            case START_ARRAY: {
                ArrayNode array = NODES.arrayNode();
                int index = 0;
                while (parser.nextToken() != JsonToken.END_ARRAY) {
                    ConfigPath child = path.index(index++);
                    origins.put(child.pointer(), at(parser.currentTokenLocation()));
                    array.add(value(parser, child));
                }
                return array;
            }
            case VALUE_STRING:
                return NODES.textNode(parser.getText());
            case VALUE_NUMBER_INT:
                return integer(parser);
            case VALUE_NUMBER_FLOAT:
                return NODES.numberNode(parser.getDoubleValue());
            case VALUE_TRUE:
                return NODES.booleanNode(true);
            case VALUE_FALSE:
                return NODES.booleanNode(false);
            case VALUE_NULL:
                return NODES.nullNode();
            default:
                throw new ConfigException(file.toString(), at(parser.currentTokenLocation()), path.toString(),
                        "unexpected YAML token " + token, null);
        }
    }

    private static JsonNode integer(JsonParser parser) throws IOException {
        return switch (parser.getNumberType()) {
            case INT -> NODES.numberNode(parser.getIntValue());
            case LONG -> NODES.numberNode(parser.getLongValue());
            default -> NODES.numberNode(parser.getBigIntegerValue());
        };
    }

    private static String at(JsonLocation location) {
        return "line " + location.getLineNr() + ", column " + location.getColumnNr();
    }
}
