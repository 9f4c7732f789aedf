package org.example.lengthjudge;

/**
 * Settings of {@code example-length-judge}: every key next to {@code type:} in the arm's {@code feedback}.
 *
 * @param prefer which response wins: {@code shorter} (default) or {@code longer}
 */
public record LengthJudgeConfig(Prefer prefer) {
    /** Which response wins. */
    public enum Prefer { SHORTER, LONGER }

    public LengthJudgeConfig {
        prefer = prefer == null ? Prefer.SHORTER : prefer;
    }
}
