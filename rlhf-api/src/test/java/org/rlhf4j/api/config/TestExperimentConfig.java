package org.rlhf4j.api.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Recorded defaults and full mapping of the core config classes, in the manner of Trino's config tests. */
class TestExperimentConfig {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    @TempDir
    Path directory;

    private ExperimentConfig bind(String yaml) throws IOException {
        Path file = directory.resolve("c.yaml");
        Files.writeString(file, yaml);
        return ConfigBinder.bind(YamlTreeReader.read(file), ExperimentConfig.class);
    }

    @Test
    void recordedDefaults() throws IOException {
        ExperimentConfig config = bind("""
                name: n
                data: {comparisons: c.jsonl}
                arms: [{name: a, feedback: {type: t}}]
                """);
        ArmConfig arm = new ArmConfig("a", new TypedConfig("t", NODES.objectNode()), Optional.empty());
        assertEquals(new ExperimentConfig("n", 42L, Optional.empty(), "runs", new DataConfig("c.jsonl"), 16, List.of(arm)),
                config);
    }

    @Test
    void fullMapping() throws IOException {
        String yaml = """
                name: full
                seed: 9
                task: {type: reviews, size: 3}
                output: elsewhere
                data: {comparisons: pairs.jsonl}
                batch_size: 5
                arms:
                  - name: one
                    feedback: {type: f, x: 1}
                    algorithm: {type: g}
                """;
        ObjectNode taskSettings = NODES.objectNode().put("size", 3);
        ObjectNode feedbackSettings = NODES.objectNode().put("x", 1);
        ExperimentConfig expected = new ExperimentConfig("full", 9L, Optional.of(new TypedConfig("reviews", taskSettings)),
                "elsewhere", new DataConfig("pairs.jsonl"), 5,
                List.of(new ArmConfig("one", new TypedConfig("f", feedbackSettings), Optional.of(new TypedConfig("g", NODES.objectNode())))));
        assertEquals(expected, bind(yaml));
        // every key of every core config class appears in the full mapping
        assertEquals(keys(ExperimentConfig.class), Set.of("name", "seed", "task", "output", "data", "batch_size", "arms"));
        assertEquals(keys(ArmConfig.class), Set.of("name", "feedback", "algorithm"));
        assertEquals(keys(DataConfig.class), Set.of("comparisons"));
    }

    private static Set<String> keys(Class<? extends Record> type) {
        return Arrays.stream(type.getRecordComponents())
                .map(component -> component.getName().replaceAll("([A-Z])", "_$1").toLowerCase(java.util.Locale.ROOT))
                .collect(Collectors.toCollection(TreeSet::new));
    }

    @Test
    void invariants() throws IOException {
        assertEquals("two arms are named 'a'", assertConfigError("""
                name: n
                data: {comparisons: c.jsonl}
                arms: [{name: a, feedback: {type: t}}, {name: a, feedback: {type: t}}]
                """));
        assertEquals("batch_size must be >= 1, got 0", assertConfigError("""
                name: n
                batch_size: 0
                data: {comparisons: c.jsonl}
                arms: [{name: a, feedback: {type: t}}]
                """));
        assertEquals("name 'a b' may hold only letters, digits, '.', '_' and '-'", assertConfigError("""
                name: n
                data: {comparisons: c.jsonl}
                arms: [{name: a b, feedback: {type: t}}]
                """));
    }

    private String assertConfigError(String yaml) {
        return org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class, () -> bind(yaml)).problem();
    }
}
