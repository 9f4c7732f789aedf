package org.rlhf4j.algorithms.preference;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import org.rlhf4j.algorithms.tokenizer.SpecialTokens;
import org.rlhf4j.algorithms.tokenizer.WordTokenizer;

/**
 * Encodes a prompt and a response as the models read them: {@code <bos> prompt response <eos>}, cut to the
 * context. A response is always closed with {@code <eos>} (a labelled response is a complete answer), so a
 * reward model reads its verdict at the {@code <eos>} token and DPO also learns when to stop.
 */
public final class SequenceEncoder {
    /**
     * An encoded sequence.
     *
     * @param tokens {@code <bos>}, the prompt's tokens, the response's tokens and {@code <eos>}, at most the context
     * @param promptLength tokens before the response ({@code <bos>} included)
     */
    public record Encoded(int[] tokens, int promptLength) {
        /** The index of the last token (where a scalar head reads the sequence). */
        public int last() {
            return tokens.length - 1;
        }

        /** Response tokens ({@code <eos>} included). */
        public int responseLength() {
            return tokens.length - promptLength;
        }
    }

    private final WordTokenizer tokenizer;
    private final int maxSeqLen;

    public SequenceEncoder(WordTokenizer tokenizer, int maxSeqLen) {
        this.tokenizer = requireNonNull(tokenizer, "tokenizer is null");
        if (maxSeqLen < 3) {
            throw new IllegalArgumentException("maxSeqLen must be >= 3, got " + maxSeqLen);
        }
        this.maxSeqLen = maxSeqLen;
    }

    /** The tokenizer. */
    public WordTokenizer tokenizer() {
        return tokenizer;
    }

    /** The context length sequences are cut to. */
    public int maxSeqLen() {
        return maxSeqLen;
    }

    /**
     * Encodes {@code prompt} and {@code response}; a prompt that leaves no room for one response token is cut
     * from its end, a response that does not fit is cut and still closed with {@code <eos>}.
     */
    public Encoded encode(String prompt, String response) {
        int[] p = tokenizer.encode(prompt, true, false);
        int[] r = tokenizer.encode(response, false, false);
        int promptLength = Math.min(p.length, maxSeqLen - 2);
        int responseLength = Math.min(r.length, maxSeqLen - 1 - promptLength);
        int[] tokens = new int[promptLength + responseLength + 1];
        System.arraycopy(p, 0, tokens, 0, promptLength);
        System.arraycopy(r, 0, tokens, promptLength, responseLength);
        tokens[tokens.length - 1] = SpecialTokens.EOS_ID;
        return new Encoded(tokens, promptLength);
    }

    /** A row of {@code width} tokens: the sequence, then padding (id 0). */
    static int[] padded(int[] tokens, int width) {
        return Arrays.copyOf(tokens, width);
    }
}
