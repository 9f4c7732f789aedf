package org.rlhf4j.engine.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tokenizer.json} through the Rust library: the word vocabulary exported as a WordLevel {@code tokenizer.json}
 * encodes to the word tokenizer's ids; special tokens and padding side come from {@code tokenizer_config.json}.
 */
class TestHuggingFaceTokenizer {
    @TempDir
    Path dir;

    @Test
    void theWordVocabularyExportedAsWordLevelEncodesToTheSameIds() throws IOException {
        WordTokenizer word = new TokenizerTrainer().lowercase(true).maxVocabSize(200).train(List.of(
                "Great phone, works well.", "The battery don't last: 3.5 hours!", "A well-made case (for $20)."));
        Files.writeString(dir.resolve("tokenizer.json"), word.toHuggingFaceJson());
        try (HuggingFaceTokenizer hf = HuggingFaceTokenizer.load(dir, word.bosId(), word.eosId())) {
            assertEquals(word.vocabSize(), hf.vocabSize());
            for (String text : List.of("Great phone, works well.", "the BATTERY don't last: 3.5 hours!!", "a well-made case (for $20).",
                    "unknown words <unk> stay unknown", "")) {
                assertArrayEquals(word.encode(text), hf.encode(text), text);
            }
            assertTrue(word.encode("zzz qqq")[0] == SpecialTokens.UNK_ID && hf.encode("zzz qqq")[1] == SpecialTokens.UNK_ID);
            assertEquals(SpecialTokens.EOS_ID, hf.eosId());
            assertEquals(SpecialTokens.EOS_ID, hf.padId(), "no pad_token: padding with the end of sequence");
            assertEquals(PaddingSide.RIGHT, hf.paddingSide());
            assertArrayEquals(new int[] {SpecialTokens.BOS_ID, word.id("great"), SpecialTokens.EOS_ID}, hf.encode("great", true, true));
        }
    }

    @Test
    void specialTokensAndPaddingSideComeFromTokenizerConfig() throws IOException {
        WordTokenizer word = new TokenizerTrainer().lowercase(true).maxVocabSize(50).train(List.of("good bad"));
        Files.writeString(dir.resolve("tokenizer.json"), word.toHuggingFaceJson());
        Files.writeString(dir.resolve("tokenizer_config.json"),
                "{\"bos_token\": {\"content\": \"<bos>\"}, \"eos_token\": \"<eos>\", \"pad_token\": \"<pad>\", \"padding_side\": \"left\"}");
        try (HuggingFaceTokenizer hf = HuggingFaceTokenizer.load(dir, 7, 7)) {
            assertEquals(SpecialTokens.BOS_ID, hf.bosId());
            assertEquals(SpecialTokens.EOS_ID, hf.eosId());
            assertEquals(SpecialTokens.PAD_ID, hf.padId());
            assertEquals(PaddingSide.LEFT, hf.paddingSide());
            assertEquals("good bad", hf.decode(new int[] {SpecialTokens.BOS_ID, word.id("good"), word.id("bad"), SpecialTokens.EOS_ID,
                    word.id("good")}));
        }
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"eos_token\": \"</s>\"}");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HuggingFaceTokenizer.load(dir, 1, 2));
        assertEquals(dir.resolve("tokenizer_config.json") + ": eos_token '</s>' is not a token of tokenizer.json", e.getMessage());
        Files.writeString(dir.resolve("tokenizer.json"), "{\"model\": ");
        e = assertThrows(IllegalArgumentException.class, () -> HuggingFaceTokenizer.load(dir, 1, 2));
        assertTrue(e.getMessage().startsWith(dir.resolve("tokenizer.json") + ": not JSON ("), e.getMessage());
    }
}
