package org.rlhf4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scoring plugin of docs/plugins.md ("A scoring plugin, complete"), taken from the docs alone, built as a separate
 * Maven project against this build's rlhf-api (what a plugin author does; {@link PluginProjects}), then found through
 * {@code --plugins} and used in a run.
 */
class TestReadmeScoringPlugin {
    private static final Path PAGE = Path.of("../docs/plugins.md");
    private static final Path EXAMPLE_SOURCES = Path.of("example-plugin/src/main/java");
    private static final String SECTION = "## A scoring plugin, complete";

    private static Path pluginJar;

    @TempDir
    static Path shared;

    @TempDir
    Path directory;

    /** The files of the docs' scoring plugin, by path, in the docs' order. */
    static Map<String, String> docsFiles() throws IOException {
        return PluginProjects.files(PAGE, SECTION);
    }

    @Test
    void theDocsShowACompleteProjectWhoseJavaFilesAreTheExamplePlugins() throws IOException {
        Map<String, String> files = docsFiles();
        assertEquals(List.of("pom.xml",
                "src/main/java/org/example/keywords/KeywordScoreConfig.java",
                "src/main/java/org/example/keywords/KeywordScore.java",
                "src/main/java/org/example/keywords/KeywordScoreFactory.java",
                "src/main/java/org/example/keywords/KeywordScoreModule.java",
                "src/main/resources/META-INF/services/org.rlhf4j.api.plugin.RlhfModule"),
                new ArrayList<>(files.keySet()));
        for (Map.Entry<String, String> file : files.entrySet()) {
            if (file.getKey().endsWith(".java")) {
                Path example = EXAMPLE_SOURCES.resolve(file.getKey().substring("src/main/java/".length()));
                assertEquals(Files.readString(example), file.getValue(),
                        "docs/plugins.md's " + file.getKey() + " differs from " + example);
            }
        }
        assertTrue(files.get("pom.xml").contains("<artifactId>maven-compiler-plugin</artifactId>"),
                "the compiler plugin is pinned");
    }

    @Test
    void thePluginIsDiscoveredAndScores() throws IOException, InterruptedException {
        Path plugins = plugins();
        CliResult listed = CliResult.run("plugins", "--plugins", plugins.toString());
        assertEquals(0, listed.exitCode(), listed.toString());
        assertTrue(listed.out().matches("(?s).*\\n  example-keyword-score +example scoring plugin: \\+1 per positive word, "
                + "-1 per negative word  \\[plugin keyword-score-plugin-1\\.0\\.jar].*"), listed.out());

        Files.writeString(directory.resolve("pairs.jsonl"), """
                {"prompt": "Review the kettle.", "response_a": "Great and sturdy.", "response_b": "Broken."}
                {"prompt": "Review the lamp.", "response_a": "Fine.", "response_b": "Okay."}
                {"prompt": "Review the mug.", "response_a": "Broken handle.", "response_b": "Great mug."}
                """);
        Path out = directory.resolve("out");
        Path config = config("positive: [great, sturdy]", "negative: [broken]");
        CliResult run = CliResult.run("run", config.toString(), "--out", out.toString(), "--plugins", plugins.toString());
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.err().contains("Plugin types: example-keyword-score (keyword-score-plugin-1.0.jar)"), run.err());
        List<JsonNode> preferences = TestRunCommand.jsonLines(out.resolve("preferences.jsonl"));
        assertEquals(List.of("A", "tie", "B"), preferences.stream().map(p -> p.get("better").asText()).toList());
        assertEquals(1 / (1 + Math.exp(-3)), preferences.get(0).get("confidence").asDouble(), 1e-12);
        assertEquals(0.5, preferences.get(1).get("confidence").asDouble());
        assertEquals("example-keyword-score", preferences.get(0).get("source_type").asText());
        assertEquals("keyword-score", preferences.get(0).get("judge_id").asText());
    }

    @Test
    void aMisspelledRequiredKeyOfThePluginIsAnUnknownKeyAtItsLine() throws IOException, InterruptedException {
        Path plugins = plugins();
        Path config = config("postive: [great, sturdy]", "negative: [broken]");
        CliResult typo = CliResult.run("run", config.toString(), "--out", directory.resolve("typo").toString(),
                "--plugins", plugins.toString());
        assertEquals(2, typo.exitCode(), typo.toString());
        assertTrue(typo.err().contains(config + ", line 7, column 7, key 'arms[0].feedback.postive': unknown key 'postive'; "
                + "known keys: negative, positive"), typo.err());

        CliResult missing = CliResult.run("run", config("negative: [broken]").toString(), "--out",
                directory.resolve("missing").toString(), "--plugins", plugins.toString());
        assertEquals(2, missing.exitCode(), missing.toString());
        assertTrue(missing.err().contains("line 5, column 5, key 'arms[0].feedback': missing 'positive'"), missing.err());
    }

    private Path config(String... keys) throws IOException {
        Path config = directory.resolve("readme-plugin.yaml");
        Files.writeString(config, """
                name: readme-plugin
                data: {comparisons: pairs.jsonl}
                arms:
                  - name: keywords
                    feedback:
                      type: example-keyword-score
                """ + "      " + String.join("\n      ", keys) + "\n");
        return config;
    }

    /** A plugins folder holding the docs' plugin, built once as its own Maven project. */
    private static synchronized Path plugins() throws IOException, InterruptedException {
        if (pluginJar == null) {
            pluginJar = build();
        }
        Path plugins = shared.resolve("plugins");
        Files.createDirectories(plugins);
        Files.copy(pluginJar, plugins.resolve(pluginJar.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        return plugins;
    }

    private static Path build() throws IOException, InterruptedException {
        return PluginProjects.build(docsFiles(), shared.resolve("keyword-score-plugin"), "keyword-score-plugin-1.0.jar");
    }
}
