package org.rlhf4j.engine.hf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rlhf4j.engine.model.Heads;
import org.rlhf4j.engine.model.KvDecoder;
import org.rlhf4j.engine.model.Nd4jForward;
import org.rlhf4j.engine.model.ParamNames;
import org.rlhf4j.engine.model.TransformerWeights;
import org.rlhf4j.engine.tokenizer.HuggingFaceTokenizer;

/**
 * The imported GPT-2 against an independent PyTorch implementation of GPT-2's forward that reads the same files.
 *
 * <p>The fixture {@code src/test/resources/gpt2-tiny} (a random-weight GPT-2 of 2 layers, width 32, 4 heads, tied
 * embeddings, tensors in F32, BF16 and F16 without the {@code transformer.} prefix and with the old mask buffers, and a
 * real byte-level BPE {@code tokenizer.json} of 317 tokens) and its {@code expected.json} (each text's ids by the
 * script's own BPE encoder and every next-token log-prob by its forward in double precision) were written by
 * {@code /usr/bin/python3 bench/gpt2_reference.py fixture rlhf-engine/src/test/resources/gpt2-tiny} (Debian's
 * {@code python3-torch}; no {@code transformers}); rerun it to regenerate them. CI needs no torch.
 */
class TestGpt2Reference {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    static Path fixture() {
        try {
            return Path.of(TestGpt2Reference.class.getResource("/gpt2-tiny/config.json").toURI()).getParent();
        }
        catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void tokenIdsAndLogProbsAgreeWithThePyTorchReferenceTo1e4() throws IOException {
        Path dir = fixture();
        Gpt2Checkpoint.Imported imported = Gpt2Checkpoint.load(dir, Heads.LM);
        TransformerWeights w = imported.weights();
        assertTrue(w.config().tiedEmbeddings(), "config.json has no tie_word_embeddings: tied");
        JsonNode cases = JSON.readTree(dir.resolve("expected.json").toFile()).get("cases");
        double worst = 0;
        try (HuggingFaceTokenizer tokenizer = Gpt2Checkpoint.tokenizer(dir, imported.config());
                Nd4jForward forward = new Nd4jForward(w, 1)) {
            assertEquals(316, tokenizer.eosId());
            assertEquals(316, tokenizer.bosId());
            assertEquals(316, tokenizer.padId(), "GPT-2 has no padding token: it pads with <|endoftext|>");
            for (JsonNode c : cases) {
                int[] ids = JSON.convertValue(c.get("ids"), int[].class);
                String text = c.get("text").asText();
                assertArrayEquals(ids, tokenizer.encode(text, true, false), "byte-level BPE ids of '" + text + "'");
                assertEquals(text, tokenizer.decode(ids), "decoded");
                int[][] in = {Arrays.copyOf(ids, ids.length - 1)};
                int[][] targets = {Arrays.copyOfRange(ids, 1, ids.length)};
                float[] logp = forward.tokenLogProbs(in, targets)[0];
                JsonNode expected = c.get("next_token_logprobs");
                for (int j = 0; j < logp.length; j++) {
                    double diff = Math.abs(logp[j] - expected.get(j).asDouble());
                    worst = Math.max(worst, diff);
                    assertEquals(expected.get(j).asDouble(), logp[j], 1e-4, "'" + text + "' token " + (j + 1));
                }
                // the cached decoder (generation's path): the whole next-token distribution after the text
                float[] last;
                try (KvDecoder decoder = new KvDecoder(w, ids.length, new int[1])) {
                    last = decoder.prefill(new int[][] {ids});
                }
                JsonNode lastExpected = c.get("last_logprobs");
                double logSum = logSumExp(last, w.config().vocabSize());
                for (int v = 0; v < w.config().vocabSize(); v++) {
                    assertEquals(lastExpected.get(v).asDouble(), last[v] - logSum, 1e-4, "'" + text + "' next token " + v);
                }
            }
        }
        System.out.println("GPT-2 fixture vs PyTorch: worst |log-prob difference| " + worst);
    }

    @Test
    void exportedAndReimportedItIsBitExact() throws IOException {
        Path dir = fixture();
        Gpt2Checkpoint.Imported imported = Gpt2Checkpoint.load(dir, Heads.LM);
        try (HuggingFaceTokenizer tokenizer = Gpt2Checkpoint.tokenizer(dir, imported.config())) {
            Gpt2Checkpoint.write(tmp, imported.weights(), tokenizer);
        }
        Gpt2Checkpoint.Imported back = Gpt2Checkpoint.load(tmp, Heads.LM);
        for (String name : imported.weights().names()) {
            assertEquals(imported.weights().get(name), back.weights().get(name), name);
        }
        assertEquals(Files.readString(dir.resolve("tokenizer.json")), Files.readString(tmp.resolve("tokenizer.json")));
        assertEquals(imported.config(), back.config());
        assertTrue(!back.weights().has(ParamNames.LM_HEAD));
    }

    @Test
    void aTokenizerWithMoreIdsThanTheModelIsRejected() throws IOException {
        Path dir = fixture();
        for (String file : new String[] {"model.safetensors", "tokenizer.json", "tokenizer_config.json"}) {
            Files.copy(dir.resolve(file), tmp.resolve(file));
        }
        Files.writeString(tmp.resolve("config.json"), Files.readString(dir.resolve("config.json")).replace("\"vocab_size\": 317",
                "\"vocab_size\": 300"));
        Gpt2Config config = Gpt2Config.read(tmp.resolve("config.json"));
        CheckpointFormatException e = assertThrows(CheckpointFormatException.class, () -> Gpt2Checkpoint.tokenizer(tmp, config));
        assertEquals(tmp.resolve("tokenizer.json") + ": its vocabulary has 317 token ids, but config.json's vocab_size is 300",
                e.getMessage());
    }

    private static double logSumExp(float[] logits, int v) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < v; i++) {
            max = Math.max(max, logits[i]);
        }
        double sum = 0;
        for (int i = 0; i < v; i++) {
            sum += Math.exp(logits[i] - max);
        }
        return max + Math.log(sum);
    }
}
