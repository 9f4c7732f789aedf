package org.rlhf4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scoring plugin of README.md ("A scoring plugin, complete"), taken from the README alone, built as a
 * separate Maven project against the installed {@code rlhf-api} (what a plugin author does), then found
 * through {@code --plugins} and used in a run. The build needs {@code rlhf-api} in the local repository
 * ({@code mvn -B -q install -DskipTests}); without it the tests that need the jar are skipped, saying so.
 */
class TestReadmeScoringPlugin {
    private static final Path README = Path.of("../docs/plugins.md");
    private static final Path EXAMPLE_SOURCES = Path.of("example-plugin/src/main/java");
    private static final String SECTION = "## A scoring plugin, complete";
    private static final Pattern FILE = Pattern.compile("\\*\\*`([^`]+)`\\*\\*[^\\n]*\\n\\n```[a-z]*\\n(.*?)\\n```\\n",
            Pattern.DOTALL);
    private static final String API_VERSION = "0.1.0-SNAPSHOT";

    private static Path pluginJar;

    @TempDir
    static Path shared;

    @TempDir
    Path directory;

    /** The files of the README's scoring plugin, by path, in README order. */
    static Map<String, String> readmeFiles() throws IOException {
        String readme = Files.readString(README);
        int start = readme.indexOf(SECTION);
        assertTrue(start >= 0, "README.md has no section '" + SECTION + "'");
        int end = readme.indexOf("\n## ", start);
        Matcher matcher = FILE.matcher(readme.substring(start, end < 0 ? readme.length() : end));
        Map<String, String> files = new LinkedHashMap<>();
        while (matcher.find()) {
            files.put(matcher.group(1), matcher.group(2) + "\n");
        }
        return files;
    }

    @Test
    void theReadmeShowsACompleteProjectWhoseJavaFilesAreTheExamplePlugins() throws IOException {
        Map<String, String> files = readmeFiles();
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
                        "README.md's " + file.getKey() + " differs from " + example);
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

    /** A plugins folder holding the README's plugin, built once as its own Maven project. */
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
        String mavenHome = System.getProperty("rlhf4j.mavenHome", "");
        Path mvn = Path.of(mavenHome, "bin", System.getProperty("os.name").startsWith("Windows") ? "mvn.cmd" : "mvn");
        assumeTrue(!mavenHome.isEmpty() && Files.isExecutable(mvn), "no Maven to build the README's plugin with: " + mvn);
        String repository = System.getProperty("rlhf4j.localRepository", "");
        Path api = Path.of(repository, "org/rlhf4j/rlhf-api", API_VERSION, "rlhf-api-" + API_VERSION + ".jar");
        assumeTrue(!repository.isEmpty() && Files.isRegularFile(api),
                "rlhf-api is not installed (" + api + "): run mvn -B -q install -DskipTests first");

        Path project = shared.resolve("keyword-score-plugin");
        for (Map.Entry<String, String> file : readmeFiles().entrySet()) {
            Path path = project.resolve(file.getKey());
            Files.createDirectories(path.getParent());
            Files.writeString(path, file.getValue());
        }
        List<String> command = List.of(mvn.toString(), "-B", "-q", "-Dmaven.repo.local=" + repository, "package");
        Path log = shared.resolve("build.log");
        Process process = new ProcessBuilder(command).directory(project.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError("building the README's plugin took over 5 minutes: " + Files.readString(log));
        }
        assertEquals(0, process.exitValue(), "mvn package of the README's plugin failed:\n"
                + Files.readString(log, StandardCharsets.UTF_8));
        Path jar = project.resolve("target/keyword-score-plugin-1.0.jar");
        assertTrue(Files.isRegularFile(jar), "no " + jar);
        return jar;
    }
}
