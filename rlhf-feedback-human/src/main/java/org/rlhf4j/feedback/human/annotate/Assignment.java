package org.rlhf4j.feedback.human.annotate;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which annotators label which pairs: each pair goes to the {@code perPair} annotators that rank first for it
 * by a hash of (pair id, annotator name) (rendezvous hashing). The result depends only on the ids and names,
 * so it is the same after a restart, spreads pairs evenly in expectation, and adding an annotator moves only
 * the pairs the newcomer now ranks first for.
 */
public final class Assignment {
    private final Map<String, List<String>> pairsByAnnotator = new LinkedHashMap<>();

    /**
     * @param pairIds the pairs, in the order they are to be labelled
     * @param annotators the annotators' names
     * @param perPair how many annotators label each pair (all of them when fewer)
     */
    public Assignment(List<String> pairIds, List<String> annotators, int perPair) {
        requireNonNull(pairIds, "pairIds is null");
        requireNonNull(annotators, "annotators is null");
        if (perPair < 1) {
            throw new IllegalArgumentException("annotators per pair must be at least 1, got " + perPair);
        }
        annotators.forEach(name -> pairsByAnnotator.put(name, new ArrayList<>()));
        MessageDigest digest = sha256();
        for (String pair : pairIds) {
            List<Ranked> ranked = new ArrayList<>(annotators.size());
            for (String name : annotators) {
                ranked.add(new Ranked(name, rank(digest, pair, name)));
            }
            ranked.sort(Comparator.comparingLong(Ranked::rank).thenComparing(Ranked::name));
            for (int i = 0; i < Math.min(perPair, ranked.size()); i++) {
                pairsByAnnotator.get(ranked.get(i).name()).add(pair);
            }
        }
    }

    /** The pairs assigned to {@code annotator}, in labelling order (empty for an unknown name). */
    public List<String> pairsOf(String annotator) {
        return pairsByAnnotator.getOrDefault(annotator, List.of());
    }

    private record Ranked(String name, long rank) {}

    private static long rank(MessageDigest digest, String pair, String annotator) {
        digest.reset();
        byte[] bytes = digest.digest((pair + "\u0000" + annotator).getBytes(StandardCharsets.UTF_8));
        long value = 0;
        for (int i = 0; i < 8; i++) {
            value = (value << 8) | (bytes[i] & 0xff);
        }
        return value;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        }
        catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
