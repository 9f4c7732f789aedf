package org.rlhf4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The algorithm plugin of docs/plugins.md ("An algorithm plugin, complete"), taken from the docs alone, built as a
 * separate Maven project against this build's jars (what a plugin author does), dropped into a plugins folder, and
 * used to train an arm.
 */
class TestAlgorithmPlugin {
    private static final Path PAGE = Path.of("../docs/plugins.md");
    private static final String SECTION = "## An algorithm plugin, complete";
    private static final Path EXAMPLE = Path.of("example-algorithm");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path directory;

    @Test
    void theDocsShowACompleteProjectWhoseFilesAreTheExampleAlgorithms() throws IOException {
        Map<String, String> files = PluginProjects.files(PAGE, SECTION);
        assertEquals(List.of("pom.xml",
                "src/main/java/org/example/hinge/HingeLoss.java",
                "src/main/java/org/example/hinge/HingeConfig.java",
                "src/main/java/org/example/hinge/HingeFactory.java",
                "src/main/java/org/example/hinge/HingeModule.java",
                "src/main/resources/META-INF/services/org.rlhf4j.api.plugin.RlhfModule"),
                new ArrayList<>(files.keySet()));
        for (Map.Entry<String, String> file : files.entrySet()) {
            if (!file.getKey().equals("pom.xml")) {
                assertEquals(Files.readString(EXAMPLE.resolve(file.getKey())), file.getValue(),
                        "docs/plugins.md's " + file.getKey() + " differs from " + EXAMPLE.resolve(file.getKey()));
            }
        }
        assertTrue(files.get("pom.xml").contains("<artifactId>rlhf-algorithms</artifactId>"), files.get("pom.xml"));
    }

    @Test
    void thePluginBuiltFromTheDocsTrainsAnArm() throws IOException, InterruptedException {
        Path jar = PluginProjects.build(PluginProjects.files(PAGE, SECTION), directory.resolve("build"),
                "hinge-algorithm-plugin-1.0.jar");
        Path plugins = Files.createDirectories(directory.resolve("plugins"));
        Files.copy(jar, plugins.resolve(jar.getFileName()));

        CliResult listed = CliResult.run("plugins", "--plugins", plugins.toString());
        assertEquals(0, listed.exitCode(), listed.toString());
        assertTrue(listed.out().matches("(?s).*\\n  example-hinge +example algorithm plugin: the hinge loss on preference pairs "
                + "\\(SLiC-HF\\)  \\[plugin hinge-algorithm-plugin-1\\.0\\.jar].*"), listed.out());

        Path config = directory.resolve("hinge.yaml");
        Files.writeString(config, """
                name: hinge-plugin
                seed: 11
                task: {type: reviews}
                policy: {d_model: 32, n_layers: 1, n_heads: 2, max_seq_len: 48, max_vocab: 600}
                sft: {corpus_size: 400, steps: 10, batch_size: 8, lr: 0.005, warmup: 2, log_every: 5, checkpoint_every: 10}
                evaluation: {prompts: 4, samples_per_prompt: 2, max_new_tokens: 12}
                arms:
                  - name: hinge
                    feedback: {type: simulated-annotators, scorer: task, temperature: 0.25}
                    preferences: {pairs: 24, batch_size: 8, max_new_tokens: 12, heldout_fraction: 0.25}
                    algorithm: {type: example-hinge, beta: 0.5, epochs: 2, batch_size: 4, log_every: 1, optimizer: {lr: 0.005, warmup: 1}}
                """);
        Path out = directory.resolve("out");
        CliResult run = CliResult.run("run", config.toString(), "--out", out.toString(), "--plugins", plugins.toString());
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.err().contains("Plugin types: example-hinge (hinge-algorithm-plugin-1.0.jar)"), run.err());
        JsonNode arm = JSON.readTree(out.resolve("summary.json").toFile()).get("arms").get(0);
        assertEquals("example-hinge", arm.get("algorithm").asText(), arm.toString());
        // 18 training pairs (24, a quarter held out) without ties or with: 2 epochs of batches of 4
        assertTrue(arm.get("steps").asLong() >= 6, arm.toString());
        assertEquals(arm.get("steps").asLong(), arm.get("budget").get("policy_updates").asLong(), arm.toString());
        assertTrue(arm.get("kl_to_reference").asDouble() > 0, "the policy moved away from SFT: " + arm);
        List<JsonNode> hingeLines = TestRunCommand.jsonLines(out.resolve("metrics.jsonl")).stream()
                .filter(line -> "hinge".equals(line.path("phase").asText())).toList();
        assertEquals(arm.get("steps").asLong(), hingeLines.size(), "one line per step (log_every 1)");
        for (JsonNode line : hingeLines) {
            assertTrue(line.get("hinge/loss").asDouble() >= 0, line.toString());
            assertTrue(line.has("rewards/accuracies") && line.has("rewards/margins") && line.has("hinge/lr"), line.toString());
        }
        // the first step's policy is the reference: every margin 0, every pair active, the loss exactly 1
        assertEquals(1.0, hingeLines.get(0).get("hinge/loss").asDouble(), 1e-6);
    }
}
