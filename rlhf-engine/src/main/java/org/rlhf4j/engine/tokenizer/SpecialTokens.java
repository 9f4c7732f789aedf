package org.rlhf4j.engine.tokenizer;

import java.util.List;

/** The special tokens every {@link WordTokenizer} vocabulary starts with, in id order. */
public final class SpecialTokens {
    /** Padding, always id 0. */
    public static final String PAD = "<pad>";
    /** Beginning of sequence, id 1. */
    public static final String BOS = "<bos>";
    /** End of sequence, id 2. */
    public static final String EOS = "<eos>";
    /** Unknown word, id 3. */
    public static final String UNK = "<unk>";

    public static final int PAD_ID = 0;
    public static final int BOS_ID = 1;
    public static final int EOS_ID = 2;
    public static final int UNK_ID = 3;

    /** All special tokens; the index of each is its id. */
    public static final List<String> ALL = List.of(PAD, BOS, EOS, UNK);

    private SpecialTokens() {}

    /** Whether {@code id} is one of the special ids. */
    public static boolean isSpecial(int id) {
        return id >= 0 && id < ALL.size();
    }
}
