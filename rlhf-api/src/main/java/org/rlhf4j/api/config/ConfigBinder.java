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
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import java.io.IOException;
import java.util.Collection;
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
            for (JsonMappingException.Reference reference : e.getPath()) {
                path = reference.getFieldName() != null ? path.field(reference.getFieldName())
                        : path.index(reference.getIndex());
            }
            throw tree.error(path, problem(e), e);
        }
        catch (IOException e) {
            throw tree.error(at, e.getMessage(), e);
        }
    }

    private static String problem(JsonMappingException e) {
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
            return "expected " + describe(mismatch.getTargetType()) + " (" + firstLine(e.getOriginalMessage()) + ")";
        }
        return firstLine(e.getOriginalMessage());
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
        if (Collection.class.isAssignableFrom(type)) {
            return "a list";
        }
        if (type == String.class) {
            return "a string";
        }
        return "a mapping (" + type.getSimpleName() + ")";
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
