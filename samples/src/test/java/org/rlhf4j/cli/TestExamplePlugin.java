package org.rlhf4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example plugin, copied into target/test-plugins by the build and never on this module's class
 * path, is found only through --plugins (or RLHF_PLUGINS).
 */
class TestExamplePlugin {
    private static final Path PLUGINS = Path.of("target/test-plugins");

    @TempDir
    Path directory;

    @BeforeAll
    static void thePluginIsNotOnTheClassPath() {
        assertThrows(ClassNotFoundException.class, () -> Class.forName("org.example.lengthjudge.LengthJudgeFactory"));
        assertTrue(Files.isDirectory(PLUGINS), "the build copies the example plugin jar into " + PLUGINS.toAbsolutePath());
    }

    private Path config() throws IOException {
        Path data = directory.resolve("pairs.jsonl");
        Files.writeString(data, """
                {"prompt": "Review the kettle.", "response_a": "Boils fast.", "response_b": "Boils fast and the handle stays cool."}
                {"prompt": "Review the lamp.", "response_a": "Warm, even light with a sturdy arm.", "response_b": "Nice."}
                {"prompt": "Review the mug.", "response_a": "Fine.", "response_b": "Okay."}
                """);
        Path config = directory.resolve("plugin.yaml");
        Files.writeString(config, """
                name: plugin-demo
                data: {comparisons: pairs.jsonl}
                arms:
                  - name: shorter
                    feedback: {type: example-length-judge}
                  - name: longer
                    feedback: {type: example-length-judge, prefer: longer}
                """);
        return config;
    }

    @Test
    void withoutPluginsTheTypeIsUnknownAndKnownTypesAreListed() throws IOException {
        CliResult result = CliResult.run("run", config().toString(), "--out", directory.resolve("out").toString());
        assertEquals(2, result.exitCode(), result.toString());
        assertTrue(result.err().contains("unknown feedback source type 'example-length-judge'; known feedback source types: "
                + "gan-discriminator, http-judge, human-dataset, local-judge, rule-judge, simulated-annotators"), result.err());
        assertTrue(result.err().contains("line 5"), result.err());
    }

    @Test
    void pluginsListsTheDroppedInJar() {
        CliResult result = CliResult.run("plugins", "--plugins", PLUGINS.toString());
        assertEquals(0, result.exitCode(), result.toString());
        assertTrue(result.out().matches("(?s).*\\n  example-length-judge +example third-party plugin: prefers the shorter "
                + "\\(or longer\\) response  \\[plugin rlhf-example-plugin-[^\\]]+\\.jar].*"), result.out());
        assertTrue(result.out().matches("(?s).*\\n  example-keyword-score +example scoring plugin: \\+1 per positive word, "
                + "-1 per negative word  \\[plugin rlhf-example-plugin-[^\\]]+\\.jar].*"), result.out());
        assertTrue(result.out().contains("human-dataset"), result.out());
    }

    @Test
    void runUsesThePluginFromTheFlagOrTheEnvironment() throws IOException {
        Path out = directory.resolve("out");
        CliResult result = CliResult.run("run", config().toString(), "--out", out.toString(), "--plugins", PLUGINS.toString());
        assertEquals(0, result.exitCode(), result.toString());
        List<JsonNode> preferences = TestRunCommand.jsonLines(out.resolve("preferences.jsonl"));
        assertEquals(6, preferences.size());
        assertEquals(List.of("A", "B", "tie", "B", "A", "tie"), preferences.stream().map(p -> p.get("better").asText()).toList());
        assertEquals("example-length-judge", preferences.get(0).get("source_type").asText());
        assertEquals("length-judge/shorter", preferences.get(0).get("judge_id").asText());
        assertEquals("length-judge/longer", preferences.get(3).get("judge_id").asText());

        Path viaEnv = directory.resolve("env");
        CliResult fromEnv = CliResult.run(Map.of(CliContext.PLUGINS_ENV, PLUGINS.toAbsolutePath().toString()),
                "run", config().toString(), "--out", viaEnv.toString());
        assertEquals(0, fromEnv.exitCode(), fromEnv.toString());
        assertEquals(6, TestRunCommand.jsonLines(viaEnv.resolve("preferences.jsonl")).size());
    }
}
