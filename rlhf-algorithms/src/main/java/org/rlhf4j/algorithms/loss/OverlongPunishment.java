package org.rlhf4j.algorithms.loss;

/**
 * DAPO's overlong reward shaping (Yu et al. 2025, "soft overlong punishment"; TRL's
 * {@code get_soft_overlong_punishment(max_completion_len, soft_punish_cache)}): a response of {@code L} tokens, with at
 * most {@code max} allowed and a buffer of the last {@code cache} of them, gets {@code 0} while {@code L <= max - cache},
 * {@code (max - cache - L) / cache} inside the buffer (falling linearly to -1 at {@code max}), and {@code -1} beyond
 * {@code max}; the penalty is added to the response's reward.
 */
public final class OverlongPunishment {
    private OverlongPunishment() {}

    /**
     * @param length the response's length in tokens
     * @param max the most tokens a response may have ({@code max_new_tokens})
     * @param cache the buffer before {@code max} where the penalty grows, in [1, max]
     */
    public static double of(int length, int max, int cache) {
        if (max < 1 || cache < 1 || cache > max) {
            throw new IllegalArgumentException("max " + max + ", cache " + cache + ": need 1 <= cache <= max");
        }
        if (length <= max - cache) {
            return 0;
        }
        return length <= max ? (double) (max - cache - length) / cache : -1;
    }
}
