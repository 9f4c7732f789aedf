package org.rlhf4j.api.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Applies {@code --set key=value} overrides to a config tree before binding. Keys are dotted paths with
 * list indexes either as {@code arms[0].feedback.noise} or {@code arms.0.feedback.noise}; values are YAML
 * scalars ({@code 0.1} is a number, {@code true} a boolean, {@code [a, b]} a list).
 *
 * <p>Every key on the path except the last must exist; the last may be new, and binding then rejects it
 * (pointing at the {@code --set}) unless the config class has that key.
 */
public final class ConfigOverrides {
    private static final Pattern SEGMENT = Pattern.compile("([^.\\[\\]]+)|\\[(\\d+)]");

    private ConfigOverrides() {}

    /** Applies each {@code key=value} in order. */
    public static void apply(ConfigTree tree, List<String> overrides) {
        for (String override : overrides) {
            apply(tree, override);
        }
    }

    private static void apply(ConfigTree tree, String override) {
        String origin = "--set " + override;
        int equals = override.indexOf('=');
        if (equals <= 0) {
            throw new ConfigException(tree.file().toString(), origin, "", "expected --set key=value", null);
        }
        List<Object> segments = parseKey(tree, override.substring(0, equals).trim(), origin);
        JsonNode value;
        try {
            value = YamlTreeReader.parseValue(override.substring(equals + 1));
        }
        catch (IOException e) {
            throw new ConfigException(tree.file().toString(), origin, "", "cannot parse the value: " + e.getMessage(), e);
        }
        JsonNode current = tree.root();
        ConfigPath path = ConfigPath.ROOT;
        for (int i = 0; i < segments.size(); i++) {
            Object segment = segments.get(i);
            boolean last = i == segments.size() - 1;
            if (current instanceof ArrayNode array) {
                int index = asIndex(segment);
                if (index < 0 || index >= array.size()) {
                    throw new ConfigException(tree.file().toString(), origin, path.toString(),
                            "no list item [" + segment + "]; the list has " + array.size() + " item(s)", null);
                }
                path = path.index(index);
                if (last) {
                    array.set(index, value);
                }
                else {
                    current = array.get(index);
                }
            }
            else if (current instanceof ObjectNode object) {
                String key = segment.toString();
                path = path.field(key);
                if (last) {
                    object.set(key, value);
                }
                else if (!object.has(key)) {
                    throw new ConfigException(tree.file().toString(), origin, path.toString(),
                            "no such key in the config (keys here: " + fieldNames(object) + ")", null);
                }
                else {
                    current = object.get(key);
                }
            }
            else {
                throw new ConfigException(tree.file().toString(), origin, path.toString(),
                        "is a single value, not a mapping or list, so it has no key '" + segment + "'", null);
            }
        }
        tree.overridden(path, origin);
    }

    private static List<Object> parseKey(ConfigTree tree, String key, String origin) {
        List<Object> segments = new ArrayList<>();
        Matcher matcher = SEGMENT.matcher(key);
        int end = 0;
        while (matcher.find()) {
            String between = key.substring(end, matcher.start());
            if (!between.isEmpty() && !between.equals(".")) {
                break;
            }
            segments.add(matcher.group(2) != null ? (Object) Integer.parseInt(matcher.group(2)) : matcher.group(1));
            end = matcher.end();
        }
        if (segments.isEmpty() || end != key.length()) {
            throw new ConfigException(tree.file().toString(), origin, "", "malformed key '" + key
                    + "' (expected e.g. seed, arms[0].feedback.temperature or arms.0.feedback.temperature)", null);
        }
        return segments;
    }

    private static int asIndex(Object segment) {
        if (segment instanceof Integer index) {
            return index;
        }
        try {
            return Integer.parseInt(segment.toString());
        }
        catch (NumberFormatException e) {
            return -1;
        }
    }

    private static String fieldNames(ObjectNode object) {
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return String.join(", ", names);
    }
}
