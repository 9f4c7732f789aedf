package org.rlhf4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code rlhf run} of a task experiment on a tiny config: every output file with its required fields. */
class TestTaskRun {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String TINY = """
            name: tiny-reviews
            seed: 5
            task: {type: reviews}
            policy: {d_model: 32, n_layers: 1, n_heads: 2, max_seq_len: 48, max_vocab: 600}
            sft: {corpus_size: 400, steps: 12, batch_size: 8, lr: 0.005, warmup: 2, log_every: 4, checkpoint_every: 5}
            evaluation: {prompts: 4, samples_per_prompt: 2, max_new_tokens: 20}
            """;

    @TempDir
    Path directory;

    private Path config(String yaml) throws IOException {
        Path file = directory.resolve("tiny.yaml");
        Files.writeString(file, yaml);
        return file;
    }

    @Test
    void writesMetricsSamplesSummaryCheckpointsAndTokenizer() throws IOException {
        Path out = directory.resolve("run");
        CliResult result = CliResult.run("run", config(TINY).toString(), "--out", out.toString());
        assertEquals(0, result.exitCode(), result.toString());
        assertTrue(result.out().startsWith("run tiny-reviews: task reviews, SFT policy gold reward "), result.out());

        List<JsonNode> metrics = TestRunCommand.jsonLines(out.resolve("metrics.jsonl"));
        assertEquals(List.of(4L, 8L, 12L, 12L), metrics.stream().map(line -> line.get("step").asLong()).toList());
        for (JsonNode line : metrics.subList(0, 3)) {
            for (String field : new String[] {"epoch", "sft/loss", "sft/lr", "sft/tokens", "sft/tokens_per_second"}) {
                assertTrue(line.has(field), field + " missing in " + line);
            }
        }
        assertTrue(metrics.get(2).get("sft/loss").asDouble() < metrics.get(0).get("sft/loss").asDouble(), metrics.toString());
        JsonNode evaluation = metrics.get(3);
        assertEquals(0.0, evaluation.get("eval/kl_to_reference").asDouble());
        assertEquals(0.5, evaluation.get("eval/win_rate_vs_sft").asDouble());

        List<JsonNode> samples = TestRunCommand.jsonLines(out.resolve("samples.jsonl"));
        assertEquals(8, samples.size()); // 4 prompts x 2 samples
        for (JsonNode sample : samples) {
            assertEquals("sft", sample.get("arm").asText());
            for (String field : new String[] {"prompt", "response", "gold_reward", "gold_cost", "harm_categories"}) {
                assertTrue(sample.has(field), field + " missing in " + sample);
            }
            assertTrue(sample.get("gold_reward").asDouble() >= -1 && sample.get("gold_reward").asDouble() <= 1, sample.toString());
        }

        JsonNode summary = JSON.readTree(out.resolve("summary.json").toFile());
        assertEquals("tiny-reviews", summary.get("name").asText());
        assertEquals("reviews", summary.get("task").asText());
        assertTrue(summary.get("arms").isArray() && summary.get("arms").isEmpty(), summary.toString());
        assertTrue(summary.get("task_build_seconds").asDouble() > 0, summary.toString());
        assertTrue(summary.get("wall_seconds").asDouble() >= summary.get("task_build_seconds").asDouble(), summary.toString());
        assertEquals(12, summary.get("sft").get("steps").asInt());
        // the untrained policy is near-uniform over the vocabulary; 12 steps already cut held-out perplexity
        JsonNode sft = summary.get("sft");
        assertTrue(sft.get("heldout_perplexity_init").asDouble() > 0.5 * summary.get("policy").get("vocab_size").asInt(),
                sft.toString());
        assertTrue(sft.get("heldout_perplexity_final").asDouble() < sft.get("heldout_perplexity_init").asDouble(),
                sft.toString());
        JsonNode figures = summary.get("sft_evaluation");
        double meanReward = samples.stream().mapToDouble(sample -> sample.get("gold_reward").asDouble()).average().orElseThrow();
        assertEquals(meanReward, figures.get("gold_reward").asDouble(), 1e-12);
        for (String field : new String[] {"gold_reward", "gold_reward_std", "gold_cost", "unsafe_fraction", "kl_to_reference",
                "win_rate_vs_sft", "response_tokens", "stopped_fraction", "distinct_1", "distinct_2", "samples"}) {
            assertTrue(figures.has(field), field + " missing in " + figures);
        }
        assertEquals(8, figures.get("samples").asInt());
        assertTrue(figures.get("samples").isIntegralNumber(), figures.toString());

        assertTrue(Files.isRegularFile(out.resolve("tokenizer.json")));
        assertTrue(Files.isRegularFile(out.resolve("checkpoints/tokenizer.json")));
        assertTrue(Files.isDirectory(out.resolve("checkpoints/step-00000012")));
        assertTrue(Files.isDirectory(out.resolve("checkpoints/step-00000010")));

        // a finished run resumes to the same result; a second fresh run into the directory is refused
        String samplesBefore = Files.readString(out.resolve("samples.jsonl"));
        CliResult resumed = CliResult.run("run", config(TINY).toString(), "--out", out.toString(), "--resume");
        assertEquals(0, resumed.exitCode(), resumed.toString());
        assertEquals(samplesBefore, Files.readString(out.resolve("samples.jsonl")));
        assertEquals(4, TestRunCommand.jsonLines(out.resolve("metrics.jsonl")).size());
        CliResult again = CliResult.run("run", config(TINY).toString(), "--out", out.toString());
        assertEquals(2, again.exitCode(), again.toString());
        assertTrue(again.err().contains("already holds a run"), again.err());
    }

    @Test
    void unknownTaskTypeAndUnknownKeysAreConfigErrors() throws IOException {
        CliResult unknownTask = CliResult.run("run", config(TINY.replace("type: reviews", "type: movies")).toString(),
                "--out", directory.resolve("x").toString());
        assertEquals(2, unknownTask.exitCode(), unknownTask.toString());
        assertTrue(unknownTask.err().contains("line 3, column 8, key 'task.type': unknown task type 'movies'; known task "
                + "types: reviews"), unknownTask.err());

        CliResult unknownKey = CliResult.run("run", config(TINY.replace("max_new_tokens: 20", "max_new_token: 20")).toString(),
                "--out", directory.resolve("y").toString());
        assertEquals(2, unknownKey.exitCode(), unknownKey.toString());
        assertTrue(unknownKey.err().contains("key 'evaluation.max_new_token': unknown key 'max_new_token'"), unknownKey.err());
        assertTrue(unknownKey.err().contains("line 6"), unknownKey.err());
    }

    @Test
    void simulatedAnnotatorsLabelWithTheTasksGoldScorer() throws IOException {
        String[][] pairs = {
                {"the kettle is", "excellent and the lid is sturdy. highly recommended.", "awful. it broke on the first day."},
                {"the kettle is", "flimsy and noisy. never again.", "great for the price. i use it every morning."},
                {"the blender is", "great. you idiot, it is great.", "great. it is great for the price."},
                {"the blender is", "fine.", "fine."}};
        StringBuilder comparisons = new StringBuilder();
        for (String[] pair : pairs) {
            comparisons.append(JSON.writeValueAsString(java.util.Map.of("prompt", pair[0], "response_a", pair[1], "response_b", pair[2])))
                    .append('\n');
        }
        Files.writeString(directory.resolve("pairs.jsonl"), comparisons);
        String yaml = """
                name: gold-labels
                task: {type: reviews}
                data: {comparisons: pairs.jsonl}
                arms:
                  - name: helpful
                    feedback: {type: simulated-annotators, scorer: task, temperature: 0, annotators: 1}
                  - name: harmless
                    feedback: {type: simulated-annotators, scorer: task, dimension: cost, temperature: 0, annotators: 1, tie_margin: 0.01}
                """;
        Path out = directory.resolve("labels");
        CliResult result = CliResult.run("run", config(yaml).toString(), "--out", out.toString());
        assertEquals(0, result.exitCode(), result.toString());
        org.rlhf4j.api.task.GoldScorer gold = new org.rlhf4j.tasks.reviews.ReviewsTask().goldScorer();
        List<JsonNode> labels = TestRunCommand.jsonLines(out.resolve("preferences.jsonl"));
        assertEquals(8, labels.size());
        for (int i = 0; i < 3; i++) {
            String expected = gold.reward(pairs[i][0], pairs[i][1]) > gold.reward(pairs[i][0], pairs[i][2]) ? "A" : "B";
            assertEquals(expected, labels.get(i).get("better").asText(), "helpful pair " + i);
        }
        assertEquals(List.of("A", "B"), List.of(labels.get(0).get("better").asText(), labels.get(1).get("better").asText()));
        // harm: only pair 2 has an insult (in A): the annotator prefers B; equal costs are ties
        assertEquals(List.of("tie", "tie", "B", "tie"), labels.subList(4, 8).stream().map(l -> l.get("better").asText()).toList());

        CliResult noTask = CliResult.run("run", config(yaml.replace("task: {type: reviews}\n", "")).toString(),
                "--out", directory.resolve("none").toString());
        assertEquals(2, noTask.exitCode(), noTask.toString());
        assertTrue(noTask.err().contains("arm 'helpful' (feedback type simulated-annotators): scorer 'task' needs the experiment's "
                + "'task'"), noTask.err());
    }
}
