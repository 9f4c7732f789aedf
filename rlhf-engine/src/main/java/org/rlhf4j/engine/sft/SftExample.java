package org.rlhf4j.engine.sft;

import static java.util.Objects.requireNonNull;

/**
 * One supervised sequence: {@code tokens} is prompt followed by response; the loss covers only the
 * response tokens (those at index >= {@code promptLength}), predicted from everything before them.
 */
public record SftExample(int[] tokens, int promptLength) {
    public SftExample {
        requireNonNull(tokens, "tokens is null");
        if (tokens.length < 2 || promptLength < 0 || promptLength >= tokens.length) {
            throw new IllegalArgumentException("need at least one response token after the prompt: length "
                    + tokens.length + ", promptLength " + promptLength);
        }
        if (promptLength == 0) {
            promptLength = 1; // the first token has no prefix to be predicted from
        }
    }

    /** A sequence trained on every token but the first. */
    public static SftExample unconditional(int[] tokens) {
        return new SftExample(tokens, 1);
    }
}
