package org.rlhf4j.feedback.ai.constitution;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.rlhf4j.api.plugin.PluginContext;

/**
 * The principles an AI judge follows, in order. They come from the arm's config ({@code constitution: [...]}), from
 * a YAML or JSON file that users edit ({@code constitution_file: my-constitution.yaml}, holding
 * {@code principles: [...]}), or, with neither, from {@link #DEFAULT}.
 *
 * @param principles at least one, names unique
 */
public record Constitution(List<Principle> principles) {
    /**
     * The default constitution: helpful and fluent, and harmless. Short sentences, because the local judge embeds them and
     * the HTTP judge shows them to a model; the harmlessness principle carries examples, which the embedding model places
     * far better than a description (insults and threats scored as harmless as a polite text with the description alone).
     */
    public static final Constitution DEFAULT = new Constitution(List.of(
            Principle.of("helpful", Dimension.HELPFULNESS,
                    "A helpful, specific response that does what the prompt asks.",
                    "An unhelpful, vague or off-topic response."),
            Principle.of("fluent", Dimension.HELPFULNESS,
                    "A clear, well-written response in natural language.",
                    "A garbled response that repeats the same words."),
            Principle.of("harmless", Dimension.HARMLESSNESS,
                    "A kind, polite response, e.g. thank you, that is helpful.",
                    "An insult, a threat or a phone number, e.g. you stupid idiot, shut up or I will hurt you, call 555 0100.")));

    private static final ObjectMapper YAML = YAMLMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(com.fasterxml.jackson.databind.MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
            .build();

    public Constitution {
        requireNonNull(principles, "principles is null");
        if (principles.isEmpty()) {
            throw new IllegalArgumentException("a constitution needs at least one principle");
        }
        Set<String> names = new HashSet<>();
        for (Principle principle : principles) {
            requireNonNull(principle, "a principle is null");
            if (!names.add(principle.name())) {
                throw new IllegalArgumentException("two principles are named '" + principle.name() + "'");
            }
        }
        principles = List.copyOf(principles);
    }

    /**
     * The constitution of a judge's config: the inline principles, or the file's, or the default (never both).
     *
     * @param inline the {@code constitution} key, null when absent
     * @param file the {@code constitution_file} key, null when absent, resolved against the config's directory
     */
    public static Constitution of(List<Principle> inline, String file, PluginContext context) {
        if (inline != null && file != null) {
            throw new IllegalArgumentException("give either 'constitution' or 'constitution_file', not both");
        }
        if (inline != null) {
            return new Constitution(inline);
        }
        return file == null ? DEFAULT : read(context.resolve(file));
    }

    /** Reads a constitution file: YAML (or JSON) with a {@code principles} list. */
    public static Constitution read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("constitution file " + file + " (constitution_file) is not a file");
        }
        try {
            return YAML.readValue(file.toFile(), ConstitutionFile.class).toConstitution();
        }
        catch (ValueInstantiationException e) {
            throw new IllegalArgumentException("constitution file " + file + at(e.getLocation()) + ": "
                    + (e.getCause() != null ? e.getCause().getMessage() : e.getOriginalMessage()), e);
        }
        catch (com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException e) {
            throw new IllegalArgumentException("constitution file " + file + lineOf(file, e.getPropertyName(), e.getLocation())
                    + ": unknown key '" + e.getPropertyName()
                    + "'; known keys: asks, dimension, forbids, name, weight", e);
        }
        catch (JsonProcessingException e) {
            throw new IllegalArgumentException("constitution file " + file + at(e.getLocation()) + ": " + e.getOriginalMessage(), e);
        }
        catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("constitution file " + file + ": " + e.getMessage(), e);
        }
        catch (IOException e) {
            throw new IllegalArgumentException("cannot read constitution file " + file + ": " + e.getMessage(), e);
        }
    }

    /** The line of a key in the file (Jackson's YAML location points past it), else Jackson's location. */
    private static String lineOf(Path file, String key, JsonLocation fallback) {
        try {
            List<String> lines = Files.readAllLines(file);
            java.util.regex.Pattern pattern = java.util.regex.Pattern.compile("^[\\s-]*\"?" + java.util.regex.Pattern.quote(key) + "\"?\\s*:");
            for (int i = 0; i < lines.size(); i++) {
                if (pattern.matcher(lines.get(i)).find()) {
                    return ", line " + (i + 1);
                }
            }
        }
        catch (IOException e) {
            // fall back to Jackson's location
        }
        return at(fallback);
    }

    private static String at(JsonLocation location) {
        return location == null || location.getLineNr() < 1 ? "" : ", line " + location.getLineNr();
    }

    /** The principles of one dimension, in order. */
    public List<Principle> of(Dimension dimension) {
        return principles.stream().filter(p -> p.dimension() == dimension).toList();
    }

    /** Whether any principle is about {@code dimension}. */
    public boolean has(Dimension dimension) {
        return principles.stream().anyMatch(p -> p.dimension() == dimension);
    }

    /** The principles of {@code dimension} as a numbered list for a judge's prompt. */
    public String render(Dimension dimension) {
        List<Principle> chosen = of(dimension);
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < chosen.size(); i++) {
            text.append(i + 1).append(". ").append(chosen.get(i).describe()).append(i + 1 < chosen.size() ? "\n" : "");
        }
        return text.toString();
    }

    /** Every field of every principle, in order: the constitution's part of a judgement cache key. */
    public String fingerprint() {
        return principles.stream()
                .map(p -> String.join("\u001f", p.name(), p.dimension().name(), p.asks(), String.valueOf(p.forbids()),
                        Double.toString(p.weight())))
                .collect(Collectors.joining("\u001e"));
    }

    /** The shape of a constitution file. */
    record ConstitutionFile(List<Principle> principles) {
        @JsonCreator
        ConstitutionFile(@JsonProperty("principles") List<Principle> principles) {
            this.principles = principles;
        }

        Constitution toConstitution() {
            if (principles == null) {
                throw new IllegalArgumentException("missing 'principles' (a list of {name, dimension, asks, forbids, weight})");
            }
            return new Constitution(principles);
        }
    }
}
