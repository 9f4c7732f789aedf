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
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestRunCommand {
    static final Path EXAMPLE = Path.of("configs/label-comparisons.yaml");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path directory;

    static List<JsonNode> jsonLines(Path file) throws IOException {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            lines.add(JSON.readTree(line));
        }
        return lines;
    }

    @Test
    void theExampleConfigLabelsEveryComparisonWithEveryArm() throws IOException {
        Path out = directory.resolve("run");
        long started = System.nanoTime();
        CliResult result = CliResult.run("run", EXAMPLE.toString(), "--out", out.toString());
        double elapsed = (System.nanoTime() - started) / 1e9;
        assertEquals(0, result.exitCode(), result.toString());
        assertTrue(result.out().contains("run label-comparisons: 4 arm(s), 120 judgment(s)"), result.out());
        assertTrue(result.err().contains("ND4J backend: "), result.err());

        List<JsonNode> preferences = jsonLines(out.resolve("preferences.jsonl"));
        assertEquals(120, preferences.size());
        assertEquals(Set.of("crowd", "humans", "rules", "discriminator"),
                preferences.stream().map(p -> p.get("arm").asText()).collect(Collectors.toSet()));
        assertEquals(Set.of("simulated-annotators", "human-dataset", "rule-judge", "gan-discriminator"),
                preferences.stream().map(p -> p.get("source_type").asText()).collect(Collectors.toSet()));
        JsonNode first = preferences.get(0);
        for (String field : new String[] {"arm", "step", "index", "prompt", "response_a", "response_b", "better", "confidence",
                "source_type", "judge_id", "timestamp"}) {
            assertTrue(first.has(field), field + " missing in " + first);
        }
        // human labels: the first comparison's helpful review (A) was chosen by annotator-0
        JsonNode human = preferences.stream().filter(p -> p.get("arm").asText().equals("humans")).findFirst().orElseThrow();
        assertEquals("A", human.get("better").asText());
        assertEquals("annotator-0", human.get("judge_id").asText());
        // the rule judge labels safety: comparison 3 (index 2) puts a rude review first
        JsonNode rude = preferences.stream().filter(p -> p.get("arm").asText().equals("rules") && p.get("index").asInt() == 2)
                .findFirst().orElseThrow();
        assertEquals("B", rude.get("safety").get("safer").asText());
        assertEquals(false, rude.get("safety").get("response_a_safe").asBoolean());

        List<JsonNode> metrics = jsonLines(out.resolve("metrics.jsonl"));
        assertEquals(16, metrics.size()); // 4 arms x ceil(30 / 8) batches
        JsonNode metric = metrics.get(0);
        assertEquals("crowd", metric.get("arm").asText());
        assertEquals(8, metric.get("judgments").asInt());
        assertEquals(metric.get("a_wins").asDouble() / 8, metric.get("fraction_a_wins").asDouble(), 1e-12);
        JsonNode discriminator = metrics.stream().filter(m -> m.get("arm").asText().equals("discriminator")).findFirst().orElseThrow();
        assertTrue(discriminator.has("discriminator/loss"), discriminator.toString());

        JsonNode summary = JSON.readTree(out.resolve("summary.json").toFile());
        assertEquals(4, summary.get("arms").size());
        JsonNode humans = summary.get("arms").get(1);
        assertEquals("humans", humans.get("name").asText());
        assertEquals("human-dataset", humans.get("feedback").asText());
        assertEquals("none", humans.get("algorithm").asText());
        assertEquals(30, humans.get("judgments").asInt());
        assertEquals(4, humans.get("batches").asInt());
        // the dataset's labels, counted by hand: of 15 helpful-vs-weak pairs, 8 show the helpful review
        // as A (even i); of 15 close pairs, the fuller review is A for odd i (7 pairs) and won except in
        // pair 9, while in pair 4 (fuller review B) the annotator preferred the short A: 6 + 1
        assertEquals(8 + 7, humans.get("a_wins").asInt());
        // the arm's own time: some time, within the whole run's
        double armSeconds = humans.get("wall_seconds").asDouble();
        assertTrue(armSeconds > 0 && armSeconds < elapsed, armSeconds + " s of a run of " + elapsed + " s");
    }

    @Test
    void theSameSeedGivesTheSameLabels() throws IOException {
        Path one = directory.resolve("one");
        Path two = directory.resolve("two");
        assertEquals(0, CliResult.run("run", EXAMPLE.toString(), "--out", one.toString()).exitCode());
        assertEquals(0, CliResult.run("run", EXAMPLE.toString(), "--out", two.toString()).exitCode());
        assertEquals(labels(one), labels(two));
        Path other = directory.resolve("other");
        assertEquals(0, CliResult.run("run", EXAMPLE.toString(), "--out", other.toString(), "--set", "seed=7").exitCode());
        assertTrue(!labels(one).equals(labels(other)), "seed 7 gave the same crowd labels as seed 42");
    }

    private static List<String> labels(Path out) throws IOException {
        return jsonLines(out.resolve("preferences.jsonl")).stream()
                .filter(p -> p.get("arm").asText().equals("crowd"))
                .map(p -> p.get("better").asText() + p.get("judge_id").asText()).toList();
    }

    @Test
    void setOverridesKeysAndRejectsUnknownOnes() throws IOException {
        Path out = directory.resolve("set");
        CliResult result = CliResult.run("run", EXAMPLE.toString(), "--out", out.toString(),
                "--set", "batch_size=30", "--set", "arms[1].feedback.on_unknown=tie");
        assertEquals(0, result.exitCode(), result.toString());
        assertEquals(4, jsonLines(out.resolve("metrics.jsonl")).size());

        CliResult unknown = CliResult.run("run", EXAMPLE.toString(), "--out", directory.resolve("x").toString(),
                "--set", "arms.0.feedback.noise=0.1");
        assertEquals(2, unknown.exitCode(), unknown.toString());
        assertTrue(unknown.err().contains("--set arms.0.feedback.noise=0.1, key 'arms[0].feedback.noise': unknown key 'noise'"),
                unknown.err());
        assertTrue(!Files.exists(directory.resolve("x")), "a config error must fail before the output directory is made");
    }

    @Test
    void unknownTypeExitsWith2ListingKnownTypes() throws IOException {
        Path config = copyExample(text -> text.replace("type: rule-judge", "type: no-such-thing"));
        CliResult result = CliResult.run("run", config.toString(), "--out", directory.resolve("o").toString());
        assertEquals(2, result.exitCode(), result.toString());
        String err = result.err();
        assertTrue(err.contains("key 'arms[2].feedback.type': unknown feedback source type 'no-such-thing'"), err);
        assertTrue(err.contains("known feedback source types: gan-discriminator, http-judge, human-dataset, local-judge, rule-judge, simulated-annotators"), err);
        assertTrue(err.contains(config + ", line 32, column 7"), err);
    }

    @Test
    void unknownKeyExitsWith2NamingKeyAndLine() throws IOException {
        Path config = copyExample(text -> text.replace("      annotators: 3", "      anotators: 3"));
        CliResult result = CliResult.run("run", config.toString(), "--out", directory.resolve("o").toString());
        assertEquals(2, result.exitCode(), result.toString());
        assertTrue(result.err().contains(config + ", line 19, column 7, key 'arms[0].feedback.anotators': unknown key 'anotators'"),
                result.err());
        assertTrue(result.err().contains("known keys: annotators, dimension, keywords, length_bias"), result.err());
    }

    @Test
    void wrongValueTypeExitsWith2() throws IOException {
        Path config = copyExample(text -> text.replace("seed: 42", "seed: forty-two"));
        CliResult result = CliResult.run("run", config.toString(), "--out", directory.resolve("o").toString());
        assertEquals(2, result.exitCode(), result.toString());
        assertTrue(result.err().contains("line 7, column 1, key 'seed': cannot read 'forty-two' as a whole number"), result.err());
    }

    @Test
    void aMissingDataFileOfAnArmFailsBeforeAnyWork() throws IOException {
        Path config = copyExample(text -> text.replace("path: data/review-labels.jsonl", "path: data/missing.jsonl"));
        Path out = directory.resolve("o");
        CliResult result = CliResult.run("run", config.toString(), "--out", out.toString());
        assertEquals(2, result.exitCode(), result.toString());
        assertTrue(result.err().contains("arm 'humans' (feedback type human-dataset): human-dataset path"), result.err());
        assertTrue(!Files.exists(out.resolve("preferences.jsonl")));
    }

    @Test
    void tiesForComparisonsNotInTheDatasetAreCountedAndWarnedAbout() throws IOException {
        Path config = copyExample(text -> text.replace("      path: data/review-labels.jsonl",
                "      path: data/review-labels.jsonl\n      on_unknown: tie"));
        Path labels = config.getParent().resolve("data/review-labels.jsonl");
        List<String> rows = Files.readAllLines(labels);
        Files.write(labels, rows.subList(0, 10));
        Path out = directory.resolve("o");
        CliResult result = CliResult.run("run", config.toString(), "--out", out.toString());
        assertEquals(0, result.exitCode(), result.toString());
        List<JsonNode> humans = jsonLines(out.resolve("metrics.jsonl")).stream()
                .filter(line -> line.get("arm").asText().equals("humans")).toList();
        long uninformative = humans.stream().mapToLong(line -> line.get("uninformative").asLong()).sum();
        assertTrue(uninformative >= 20, humans.toString());
        assertTrue(result.err().contains("Warning: arm humans: " + uninformative + " of 30 judgments carried no information"),
                result.err());
        assertTrue(!result.err().contains("Warning: arm crowd"), result.err());
    }

    @Test
    void malformedComparisonsNameFileAndLineAndKeepEarlierBatches() throws IOException {
        Path config = copyExample(text -> text);
        Path comparisons = config.getParent().resolve("data/review-comparisons.jsonl");
        List<String> lines = new ArrayList<>(Files.readAllLines(comparisons));
        lines.set(11, "{\"prompt\": \"broken line\", \"response_a\": ");
        Files.write(comparisons, lines);
        Path out = directory.resolve("o");
        CliResult result = CliResult.run("run", config.toString(), "--out", out.toString(), "--set", "batch_size=5");
        assertEquals(1, result.exitCode(), result.toString());
        assertTrue(result.err().contains(comparisons + ":12: not valid JSON"), result.err());
        // batches 0 and 1 (lines 1-10) of the first arm were written and flushed before the failure
        List<JsonNode> preferences = jsonLines(out.resolve("preferences.jsonl"));
        assertEquals(10, preferences.size());
        assertEquals(2, jsonLines(out.resolve("metrics.jsonl")).size());
        // summary.json tells a script that the run failed, and why
        JsonNode summary = new com.fasterxml.jackson.databind.ObjectMapper().readTree(out.resolve("summary.json").toFile());
        assertEquals("failed", summary.get("status").asText(), summary.toString());
        assertTrue(summary.get("error").asText().contains(":12: not valid JSON"), summary.toString());
        assertEquals(2, summary.get("arms").get(0).get("batches").asInt(), summary.toString());
    }

    @Test
    void resumeSkipsDoneBatchesAndRedoesAnInterruptedOne() throws IOException {
        Path out = directory.resolve("r");
        assertEquals(0, CliResult.run("run", EXAMPLE.toString(), "--out", out.toString()).exitCode());
        List<String> fullPreferences = Files.readAllLines(out.resolve("preferences.jsonl"));
        List<String> fullMetrics = Files.readAllLines(out.resolve("metrics.jsonl"));

        // simulate an interruption in the 'rules' arm: its second batch has preferences but no metrics line
        List<String> metrics = fullMetrics.subList(0, 9); // crowd 4, humans 4, rules batch 0
        List<String> preferences = new ArrayList<>(fullPreferences.subList(0, 64 + 8 + 3));
        preferences.add("{\"arm\": \"rules\", \"step\": 1, \"torn");
        Files.write(out.resolve("metrics.jsonl"), metrics);
        Files.write(out.resolve("preferences.jsonl"), preferences);

        CliResult again = CliResult.run("run", EXAMPLE.toString(), "--out", out.toString());
        assertEquals(2, again.exitCode(), again.toString());
        assertTrue(again.err().contains("already holds a run"), again.err());

        CliResult resumed = CliResult.run("run", EXAMPLE.toString(), "--out", out.toString(), "--resume");
        assertEquals(0, resumed.exitCode(), resumed.toString());
        assertTrue(resumed.err().contains("9 batch(es) already done"), resumed.err());
        assertEquals(strip(fullPreferences), strip(Files.readAllLines(out.resolve("preferences.jsonl"))));
        assertEquals(16, Files.readAllLines(out.resolve("metrics.jsonl")).size());
        JsonNode summary = JSON.readTree(out.resolve("summary.json").toFile());
        for (JsonNode arm : summary.get("arms")) {
            assertEquals(30, arm.get("judgments").asInt(), arm.toString());
        }
        assertEquals(2, CliResult.run("run", EXAMPLE.toString(), "--resume").exitCode());
    }

    /** Preference lines without their timestamps (which differ between runs). */
    private static List<String> strip(List<String> lines) throws IOException {
        List<String> stripped = new ArrayList<>();
        for (String line : lines) {
            com.fasterxml.jackson.databind.node.ObjectNode node = (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(line);
            node.remove("timestamp");
            stripped.add(node.toString());
        }
        return stripped;
    }

    private Path copyExample(java.util.function.UnaryOperator<String> edit) throws IOException {
        Path configs = directory.resolve("configs");
        Files.createDirectories(configs.resolve("data"));
        try (var files = Files.list(EXAMPLE.getParent().resolve("data"))) {
            for (Path file : files.toList()) {
                Files.copy(file, configs.resolve("data").resolve(file.getFileName()));
            }
        }
        Path config = configs.resolve("experiment.yaml");
        Files.writeString(config, edit.apply(Files.readString(EXAMPLE)));
        return config;
    }
}
