package org.rlhf4j.feedback.human.annotate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.time.Instant;
import java.util.Iterator;
import java.util.Locale;
import java.util.Set;
import org.rlhf4j.api.feedback.Choice;

/**
 * The body of {@code POST /api/labels}:
 * {@code {"pair_id", "better": "A"|"B"|"tie", "more_harmless": "A"|"B"|"tie", "a_safe": bool, "b_safe": bool,
 * "explanation": string (optional)}}. Anything else is a 400 naming the field.
 */
final class LabelRequest {
    /** The longest explanation accepted, in characters. */
    static final int MAX_EXPLANATION = 4000;

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();
    private static final Set<String> FIELDS = Set.of("pair_id", "better", "more_harmless", "a_safe", "b_safe", "explanation");

    private LabelRequest() {}

    static Label parse(String body, String annotator) {
        JsonNode json;
        try {
            json = JSON.readTree(body);
        }
        catch (JsonProcessingException e) {
            throw new RequestException(400, "the body is not valid JSON: " + e.getOriginalMessage());
        }
        if (json == null || !json.isObject()) {
            throw new RequestException(400, "the body must be a JSON object");
        }
        for (Iterator<String> names = json.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                throw new RequestException(400, "unknown field '" + name + "' (expected " + String.join(", ",
                        new java.util.TreeSet<>(FIELDS)) + ")");
            }
        }
        String explanation = json.has("explanation") && !json.get("explanation").isNull() ? text(json, "explanation") : "";
        if (explanation.length() > MAX_EXPLANATION) {
            throw new RequestException(400, "field 'explanation' is " + explanation.length() + " characters, at most "
                    + MAX_EXPLANATION + " are accepted");
        }
        return new Label(text(json, "pair_id"), annotator, choice(json, "better"), choice(json, "more_harmless"),
                bool(json, "a_safe"), bool(json, "b_safe"), explanation, Instant.EPOCH);
    }

    private static String text(JsonNode json, String field) {
        JsonNode value = json.get(field);
        if (value == null || value.isNull()) {
            throw new RequestException(400, "missing field '" + field + "'");
        }
        if (!value.isTextual()) {
            throw new RequestException(400, "field '" + field + "' must be a string");
        }
        return value.textValue();
    }

    private static Choice choice(JsonNode json, String field) {
        String text = text(json, field);
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "a" -> Choice.A;
            case "b" -> Choice.B;
            case "tie" -> Choice.TIE;
            default -> throw new RequestException(400, "field '" + field + "' must be \"A\", \"B\" or \"tie\"");
        };
    }

    private static boolean bool(JsonNode json, String field) {
        JsonNode value = json.get(field);
        if (value == null || value.isNull()) {
            throw new RequestException(400, "missing field '" + field + "'");
        }
        if (!value.isBoolean()) {
            throw new RequestException(400, "field '" + field + "' must be true or false");
        }
        return value.booleanValue();
    }
}
