package org.rlhf4j.feedback.human.annotate;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Two responses to one prompt for people to compare.
 *
 * @param id the pair's id: given in the pairs file, or {@link #contentId} of its texts
 * @param prompt the prompt
 * @param responseA the response shown first
 * @param responseB the response shown second
 */
public record Pair(String id, String prompt, String responseA, String responseB) {
    public Pair {
        requireNonNull(id, "id is null");
        requireNonNull(prompt, "prompt is null");
        requireNonNull(responseA, "responseA is null");
        requireNonNull(responseB, "responseB is null");
        if (id.isBlank()) {
            throw new IllegalArgumentException("a pair's id is blank");
        }
    }

    /** A pair whose id is the hash of its texts, so that adding the same file twice adds nothing. */
    public static Pair of(String prompt, String responseA, String responseB) {
        return new Pair(contentId(prompt, responseA, responseB), prompt, responseA, responseB);
    }

    /** The first 16 hex digits of the SHA-256 of the three texts (each prefixed by its length). */
    public static String contentId(String prompt, String responseA, String responseB) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (String text : new String[] {prompt, responseA, responseB}) {
                byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
                digest.update((bytes.length + ":").getBytes(StandardCharsets.US_ASCII));
                digest.update(bytes);
            }
            return HexFormat.of().formatHex(digest.digest(), 0, 8);
        }
        catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
