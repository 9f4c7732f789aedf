package org.rlhf4j.engine.tokenizer;

/** Where {@link WordTokenizer#encodeBatch} puts padding. */
public enum PaddingSide {
    /** Tokens first, padding after them: the usual layout for training and scoring. */
    RIGHT,
    /** Padding first, tokens after: every prompt ends at the last column, handy for batched sampling. */
    LEFT
}
