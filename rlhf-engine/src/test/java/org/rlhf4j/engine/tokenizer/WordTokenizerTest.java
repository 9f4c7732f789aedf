package org.rlhf4j.engine.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WordTokenizerTest {
    private static final List<String> CORPUS = List.of(
            "Great phone, works well.",
            "The battery died after two days. Not happy!",
            "I love this blender; it's quiet and well-made.",
            "Terrible service (never again).",
            "The screen is bright, the sound is clear, and the price is fair.",
            "Would I buy it again? Yes, I would.",
            "It costs $19.99 and ships in 3 days.",
            "She said \"great value\" and I agree.");

    private static final WordTokenizer TOKENIZER = new TokenizerTrainer().train(CORPUS);

    @Test
    void specialTokensHaveFixedIds() {
        assertEquals(List.of("<pad>", "<bos>", "<eos>", "<unk>"), TOKENIZER.vocab().subList(0, 4));
        assertEquals(0, TOKENIZER.id("<pad>"));
        assertEquals(3, TOKENIZER.id("<unk>"));
    }

    @Test
    void splitsWordsAndPunctuation() {
        assertEquals(List.of("great", "phone", ",", "works", "well", "."), TOKENIZER.tokenize("Great phone, works well."));
        assertEquals(List.of("it's", "well-made", "(", "never", ")", "$", "20", "!"),
                TOKENIZER.tokenize("It's well-made (never) $20!"));
        assertEquals(List.of("$", "1,000", "at", "10:30", "or", "3.5", ".", "day", "3", ".", "then"),
                TOKENIZER.tokenize("$1,000 at 10:30 or 3.5. Day 3.Then"));
    }

    @Test
    void roundTripsRealSentencesLowerCased() {
        for (String sentence : CORPUS) {
            int[] ids = TOKENIZER.encode(sentence);
            for (int id : ids) {
                assertNotEquals(SpecialTokens.UNK_ID, id, sentence);
            }
            assertEquals(sentence.toLowerCase(java.util.Locale.ROOT), TOKENIZER.decode(ids));
        }
    }

    @Test
    void roundTripsWithCaseWhenNotLowerCasing() {
        WordTokenizer cased = new TokenizerTrainer().lowercase(false).train(CORPUS);
        for (String sentence : CORPUS) {
            assertEquals(sentence, cased.decode(cased.encode(sentence)));
        }
        assertNotEquals(cased.id("Great"), cased.id("great"));
    }

    @Test
    void joinReattachesPunctuation() {
        assertEquals("great phone, works well.",
                TextSplitter.join(List.of("great", "phone", ",", "works", "well", ".")));
        assertEquals("he said \"no way\" (twice)!",
                TextSplitter.join(List.of("he", "said", "\"", "no", "way", "\"", "(", "twice", ")", "!")));
    }

    @Test
    void unknownWordsBecomeUnk() {
        int[] ids = TOKENIZER.encode("Great xylophone, works well.");
        assertEquals(6, ids.length);
        assertEquals(SpecialTokens.UNK_ID, ids[1]);
        assertEquals(TOKENIZER.id("great"), ids[0]);
        assertEquals("great <unk>, works well.", TOKENIZER.decode(ids));
    }

    @Test
    void specialTokensInDecodeAndEncode() {
        int[] ids = TOKENIZER.encode("works well.", true, true);
        assertEquals(SpecialTokens.BOS_ID, ids[0]);
        assertEquals(SpecialTokens.EOS_ID, ids[ids.length - 1]);
        assertEquals(5, ids.length);
        int[] withTail = new int[ids.length + 2];
        System.arraycopy(ids, 0, withTail, 0, ids.length);
        withTail[ids.length] = TOKENIZER.id("great"); // after <eos>: ignored
        assertEquals("works well.", TOKENIZER.decode(withTail));
        assertEquals("works well.", TOKENIZER.decode(new int[] {0, 0, 1, TOKENIZER.id("works"), TOKENIZER.id("well"), TOKENIZER.id(".")}));
    }

    @Test
    void minFrequencyAndMaxSizeWithDeterministicTies() {
        List<String> corpus = List.of("b a c a b a", "d c");
        // counts: a=3, b=2, c=2, d=1; b and c tie, broken alphabetically.
        WordTokenizer all = new TokenizerTrainer().train(corpus);
        assertEquals(List.of("<pad>", "<bos>", "<eos>", "<unk>", "a", "b", "c", "d"), all.vocab());
        WordTokenizer frequent = new TokenizerTrainer().minFrequency(2).train(corpus);
        assertEquals(List.of("<pad>", "<bos>", "<eos>", "<unk>", "a", "b", "c"), frequent.vocab());
        WordTokenizer small = new TokenizerTrainer().maxVocabSize(6).train(corpus);
        assertEquals(List.of("<pad>", "<bos>", "<eos>", "<unk>", "a", "b"), small.vocab());
        assertThrows(IllegalArgumentException.class, () -> new TokenizerTrainer().maxVocabSize(3));
    }

    @Test
    void trainingIsDeterministicWhateverTheCorpusOrder() {
        List<String> shuffled = new ArrayList<>(CORPUS);
        Collections.shuffle(shuffled, new Random(7));
        WordTokenizer again = new TokenizerTrainer().train(shuffled);
        assertEquals(TOKENIZER.vocab(), again.vocab());
        assertEquals(TOKENIZER.toJson(), again.toJson());
    }

    @Test
    void saveAndLoadGiveAnEqualTokenizerAndIdenticalBytes(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("tokenizer.json");
        TOKENIZER.save(file);
        WordTokenizer loaded = WordTokenizer.load(file);
        assertEquals(TOKENIZER, loaded);
        assertArrayEquals(TOKENIZER.encode(CORPUS.get(2)), loaded.encode(CORPUS.get(2)));
        Path second = dir.resolve("again.json");
        loaded.save(second);
        assertArrayEquals(Files.readAllBytes(file), Files.readAllBytes(second));
        String json = Files.readString(file, StandardCharsets.UTF_8);
        assertTrue(json.startsWith("{\n  \"format\" : \"rlhf4j-word-tokenizer\""), json);
        assertTrue(json.contains("\n    \"<pad>\",\n"), json);
        assertTrue(!json.contains("\r"));
    }

    @Test
    void rejectsForeignJson() {
        assertThrows(IllegalArgumentException.class, () -> WordTokenizer.fromJson("{\"format\":\"other\"}"));
        assertThrows(IllegalArgumentException.class, () -> WordTokenizer.fromJson("not json"));
    }

    @Test
    void batchEncodePadsRightOrLeftWithMask() {
        List<String> texts = List.of("works well.", "great phone, works well.", "not happy!");
        TokenBatch right = TOKENIZER.encodeBatch(texts, 6, true, true, PaddingSide.RIGHT);
        assertEquals(3, right.batchSize());
        assertEquals(6, right.seqLen());
        int w = TOKENIZER.id("works");
        int well = TOKENIZER.id("well");
        int dot = TOKENIZER.id(".");
        assertArrayEquals(new int[] {1, w, well, dot, 2, 0}, right.ids()[0]);
        assertArrayEquals(new int[] {1, 1, 1, 1, 1, 0}, right.mask()[0]);
        // 8 tokens with bos/eos, truncated to 6: eos is lost
        assertArrayEquals(new int[] {1, TOKENIZER.id("great"), TOKENIZER.id("phone"), TOKENIZER.id(","), w, well},
                right.ids()[1]);
        assertArrayEquals(new int[] {5, 6, 5}, right.lengths());

        TokenBatch left = TOKENIZER.encodeBatch(texts, 6, true, false, PaddingSide.LEFT);
        assertArrayEquals(new int[] {0, 0, 1, w, well, dot}, left.ids()[0]);
        assertArrayEquals(new int[] {0, 0, 1, 1, 1, 1}, left.mask()[0]);
        assertArrayEquals(new int[] {4, 6, 4}, left.lengths());
        int[] flat = left.flatIds();
        assertEquals(18, flat.length);
        assertEquals(dot, flat[5]);
        float[] mask = left.flatMask();
        assertEquals(0f, mask[2 * 6], 0f); // row 2, column 0 is padding
        assertEquals(1f, mask[17], 0f);
    }
}
