package org.rlhf4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rlhf4j.engine.hf.Gpt2Checkpoint;
import org.rlhf4j.engine.model.Heads;
import org.rlhf4j.engine.model.Nd4jForward;
import org.rlhf4j.engine.tokenizer.HuggingFaceTokenizer;

/**
 * {@code rlhf model}: a random GPT-2-shaped checkpoint imports with its byte-level BPE tokenizer and trains (DPO starts at
 * exactly ln 2), and a run's policy exports as a checkpoint whose import gives the engine's log-probs and ids (the
 * PyTorch half of that check, {@code bench/gpt2_reference.py compare}, is documented in bench/README.md).
 */
class TestModelCommand {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path directory;

    @Test
    void aRandomCheckpointImportsAndItsFirstDpoStepIsLn2() throws IOException {
        Path checkpoint = directory.resolve("tiny");
        CliResult written = CliResult.run("model", "random", "--shape", "tiny", "--out", checkpoint.toString());
        assertEquals(0, written.exitCode(), written.toString());
        assertTrue(written.out().startsWith("wrote " + checkpoint + ": random-weight tiny, 173,824 parameters"), written.out());
        Gpt2Checkpoint.Imported imported = Gpt2Checkpoint.load(checkpoint, Heads.LM);
        try (HuggingFaceTokenizer tokenizer = Gpt2Checkpoint.tokenizer(checkpoint, imported.config())) {
            assertEquals(1024, tokenizer.vocabSize());
            assertEquals(1023, tokenizer.eosId());
            // the tiny vocabulary's 767 merges pair 'a', 'b' and 'c' (in that order) with every byte symbol
            String text = "a cab backs abba, 42!";
            int[] ids = tokenizer.encode(text);
            // 'ab' (the 2nd merge), 'ac' (the 3rd), 'ba' (the 257th): as bench/gpt2_reference.py's BPE encodes it
            assertArrayEquals(new int[] {97, 32, 99, 257, 32, 98, 258, 107, 115, 32, 257, 512, 44, 32, 52, 50, 33}, ids);
            assertEquals(text, tokenizer.decode(ids), "byte-level BPE is lossless");
            assertEquals("Hello, world", tokenizer.decode(tokenizer.encode("Hello, world")));
        }
        CliResult bench = CliResult.run("model", "bench", checkpoint.toString(), "--pairs", "2", "--tokens", "32", "--rows", "2",
                "--steps", "1");
        assertEquals(0, bench.exitCode(), bench.toString());
        JsonNode figures = JSON.readTree(bench.out());
        assertEquals(Math.log(2), figures.get("dpo_first_loss").asDouble(), 1e-6, "the policy is its reference at the first step");
        assertEquals(173_824 - 96 * 64, figures.get("params").asLong(), "the context cut to 32 of 128 positions");
        assertEquals(2 * 16, figures.get("generation_new_tokens").asInt());
        assertTrue(figures.get("peak_rss_mb").asDouble() > 0);
    }

    @Test
    void aRunsPolicyExportsAndItsImportGivesTheEnginesIdsAndLogProbs() throws IOException {
        Path config = directory.resolve("tiny.yaml");
        Files.writeString(config, TestTaskRun.TINY);
        Path run = directory.resolve("run");
        assertEquals(0, CliResult.run("run", config.toString(), "--out", run.toString()).exitCode());
        Path export = directory.resolve("export");
        CliResult exported = CliResult.run("model", "export", run.toString(), "--out", export.toString());
        assertEquals(0, exported.exitCode(), exported.toString());
        CliResult score = CliResult.run("model", "score", run.toString(), "--arm", "nope", "--out", directory.resolve("s").toString());
        assertEquals(ExitCodes.USAGE, score.exitCode(), score.toString());
        assertTrue(score.err().contains("has no checkpoints of arm 'nope'"), score.err());
        org.rlhf4j.engine.model.TransformerWeights original = org.rlhf4j.experiment.PolicyPairs.load(run, java.util.Optional.empty(),
                java.util.Optional.empty()).policy();

        // the export's own files, read as a Hugging Face checkpoint: the same ids and log-probs as the engine's run policy
        Gpt2Checkpoint.Imported imported = Gpt2Checkpoint.load(export, Heads.LM);
        List<JsonNode> samples = TestRunCommand.jsonLines(run.resolve("samples.jsonl"));
        try (HuggingFaceTokenizer tokenizer = Gpt2Checkpoint.tokenizer(export, imported.config());
                Nd4jForward forward = new Nd4jForward(imported.weights(), 1); Nd4jForward engine = new Nd4jForward(original, 1)) {
            assertEquals(1, tokenizer.bosId());
            assertEquals(2, tokenizer.eosId());
            assertEquals(0, tokenizer.padId(), "tokenizer_config.json names <pad>");
            for (JsonNode sample : samples) {
                String text = sample.get("prompt").asText() + " " + sample.get("response").asText();
                int[] ids = tokenizer.encode(text, true, true);
                org.rlhf4j.engine.tokenizer.WordTokenizer word = org.rlhf4j.engine.tokenizer.WordTokenizer.load(
                        run.resolve("tokenizer.json"));
                assertArrayEquals(word.encode(text, true, true), ids, text);
                int[][] in = {Arrays.copyOf(ids, Math.min(ids.length, 48) - 1)};
                int[][] targets = {Arrays.copyOfRange(ids, 1, Math.min(ids.length, 48))};
                assertArrayEquals(engine.tokenLogProbs(in, targets)[0], forward.tokenLogProbs(in, targets)[0], text);
            }
        }
    }
}
