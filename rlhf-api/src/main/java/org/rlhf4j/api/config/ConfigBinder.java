package org.rlhf4j.api.config;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import java.io.IOException;
import java.util.Collection;
import java.util.Map;
import java.util.TreeSet;

/**
 * Binds (a sub-tree of) a {@link ConfigTree} to a config class with Jackson: snake_case keys, unknown keys
 * rejected, and every error turned into a {@link ConfigException} naming the file, line and key path.
 */
public final class ConfigBinder {
    /** The mapper every config class is bound with. */
    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new Jdk8Module())
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(com.fasterxml.jackson.databind.MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
            .addModule(new SimpleModule("rlhf4j-config").setDeserializerModifier(new UnknownKeysFirst()))
            .build();

    private ConfigBinder() {}

    /** Binds the whole tree. */
    public static <T> T bind(ConfigTree tree, Class<T> type) {
        return bind(tree, ConfigPath.ROOT, tree.root(), type);
    }

    static <T> T bind(ConfigTree tree, ConfigPath at, JsonNode node, Class<T> type) {
        try {
            return MAPPER.readerFor(type).readValue(MAPPER.treeAsTokens(node));
        }
        catch (JsonMappingException e) {
            ConfigPath path = at;
            JsonNode found = node;
            for (JsonMappingException.Reference reference : e.getPath()) {
                boolean field = reference.getFieldName() != null;
                path = field ? path.field(reference.getFieldName()) : path.index(reference.getIndex());
                found = field ? found.path(reference.getFieldName()) : found.path(reference.getIndex());
            }
            throw tree.error(path, problem(e, found), e);
        }
        catch (IOException e) {
            throw tree.error(at, e.getMessage(), e);
        }
    }

    private static String problem(JsonMappingException e, JsonNode found) {
        if (e instanceof UnrecognizedPropertyException unknown) {
            return "unknown key '" + unknown.getPropertyName() + "'; known keys: " + names(unknown.getKnownPropertyIds());
        }
        if (e instanceof InvalidFormatException format) {
            return "cannot read '" + format.getValue() + "' as " + describe(format.getTargetType());
        }
        if (e instanceof ValueInstantiationException && e.getCause() != null) {
            return e.getCause().getMessage();
        }
        if (e instanceof MismatchedInputException mismatch && mismatch.getTargetType() != null) {
            return "expected " + describe(mismatch.getTargetType()) + ", found " + describe(found);
        }
        return firstLine(e.getOriginalMessage());
    }

    /** What a config value is, in the words of the YAML it came from. */
    private static String describe(JsonNode value) {
        if (value.isMissingNode() || value.isNull()) {
            return "no value";
        }
        if (value.isObject()) {
            return "a mapping";
        }
        if (value.isArray()) {
            return "a list";
        }
        if (value.isBoolean()) {
            return value.asText();
        }
        if (value.isNumber()) {
            return "the number " + value.asText();
        }
        String text = value.asText();
        return "the string '" + (text.length() > 40 ? text.substring(0, 37) + "..." : text) + "'";
    }

    private static String describe(Class<?> type) {
        if (type == double.class || type == Double.class || type == float.class || type == Float.class) {
            return "a number";
        }
        if (type == int.class || type == Integer.class || type == long.class || type == Long.class) {
            return "a whole number";
        }
        if (type == boolean.class || type == Boolean.class) {
            return "true or false";
        }
        if (type.isEnum()) {
            TreeSet<String> values = new TreeSet<>();
            for (Object constant : type.getEnumConstants()) {
                values.add(constant.toString().toLowerCase(java.util.Locale.ROOT));
            }
            return "one of " + String.join(", ", values);
        }
        if (Collection.class.isAssignableFrom(type) || type.isArray()) {
            return "a list";
        }
        if (type == String.class) {
            return "a string";
        }
        if (Map.class.isAssignableFrom(type)) {
            return "a mapping (key: value)";
        }
        return "a mapping";
    }

    private static String names(Collection<Object> ids) {
        TreeSet<String> sorted = new TreeSet<>();
        ids.forEach(id -> sorted.add(id.toString()));
        return sorted.isEmpty() ? "(none)" : String.join(", ", sorted);
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "invalid value";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
