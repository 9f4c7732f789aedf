package org.rlhf4j.engine.random;

import java.nio.charset.StandardCharsets;

/**
 * The one seed derivation of an experiment: every random stream (an arm's sampling, a reward model's head
 * and data order, a feedback batch) gets {@code Seeds.derive(experimentSeed, "arm", name, "phase")}, a
 * SplitMix64 hash of the experiment seed and the names, so streams are independent of each other and of
 * the order arms run in.
 */
public final class Seeds {
    private Seeds() {}

    /** A seed derived from {@code seed} and {@code parts}. */
    public static long derive(long seed, String... parts) {
        long h = mix(seed ^ 0x5EED5EEDL);
        for (String part : parts) {
            for (byte b : part.getBytes(StandardCharsets.UTF_8)) {
                h = mix(h ^ (b & 0xFF));
            }
            h = mix(h ^ 0xFFL); // separator, so ("ab", "c") and ("a", "bc") differ
        }
        return h;
    }

    private static long mix(long z) {
        z += 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
