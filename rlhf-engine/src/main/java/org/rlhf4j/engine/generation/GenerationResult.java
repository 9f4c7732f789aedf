package org.rlhf4j.engine.generation;

/**
 * Sampled continuations of a batch of prompts.
 *
 * @param tokens {@code [B][maxNewTokens]} generated ids; positions at or after {@code lengths[b]} are 0
 * @param logProbs {@code [B][maxNewTokens]} log-prob of each sampled token under the policy's own
 *     distribution (softmax of the raw logits, before temperature/top-k/top-p); 0 after {@code lengths[b]}
 * @param lengths number of generated tokens per row (including the stop token if one was emitted)
 */
public record GenerationResult(int[][] tokens, float[][] logProbs, int[] lengths) {

    /** The generated tokens of row {@code b}, trimmed to its length. */
    public int[] response(int b) {
        return java.util.Arrays.copyOf(tokens[b], lengths[b]);
    }

    /** Total number of generated tokens in the batch. */
    public long totalTokens() {
        long n = 0;
        for (int l : lengths) {
            n += l;
        }
        return n;
    }
}
