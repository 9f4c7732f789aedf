package org.rlhf4j.engine.tokenizer;

/**
 * Text to token ids and back, as the engine's models read them: the one interface of the word tokenizer of the
 * built-in tasks ({@link WordTokenizer}) and of a checkpoint's {@code tokenizer.json} ({@link HuggingFaceTokenizer}:
 * byte-level BPE, WordLevel). The special ids come from the tokenizer's own files; a model without a padding token
 * (GPT-2) pads with its end-of-sequence id, and the padding is masked.
 */
public interface Tokenizer {
    /** Number of token ids (the largest id plus one). */
    int vocabSize();

    /** {@code text} as ids, without special tokens. */
    int[] encode(String text);

    /**
     * The text of {@code ids}: a leading {@link #bosId()} is skipped (it may be the end-of-sequence id too, as GPT-2's),
     * decoding stops at the next {@link #eosId()}, padding is skipped.
     */
    String decode(int[] ids);

    /** The text of token {@code id} (a special token's name, e.g. {@code <|endoftext|>}). */
    String token(int id);

    /** The id a sequence starts with. */
    int bosId();

    /** The id that ends a sequence (and ends sampling). */
    int eosId();

    /** The id padding columns hold (masked, never read as a token). */
    int padId();

    /** Which side a batch is padded on, as the checkpoint's files say; {@link PaddingSide#RIGHT} by default. */
    default PaddingSide paddingSide() {
        return PaddingSide.RIGHT;
    }

    /** {@code text} as ids, optionally preceded by {@link #bosId()} and followed by {@link #eosId()}. */
    default int[] encode(String text, boolean addBos, boolean addEos) {
        int[] body = encode(text);
        int[] out = new int[body.length + (addBos ? 1 : 0) + (addEos ? 1 : 0)];
        if (addBos) {
            out[0] = bosId();
        }
        System.arraycopy(body, 0, out, addBos ? 1 : 0, body.length);
        if (addEos) {
            out[out.length - 1] = eosId();
        }
        return out;
    }

    /** This tokenizer as a Hugging Face {@code tokenizer.json}, for an exported checkpoint. */
    String toHuggingFaceJson();
}
