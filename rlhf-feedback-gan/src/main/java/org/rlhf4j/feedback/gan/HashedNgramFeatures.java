package org.rlhf4j.feedback.gan;

import java.util.Arrays;
import java.util.Locale;
import java.util.TreeMap;

/**
 * Turns text into a sparse, L2-normalised vector of hashed word unigrams and bigrams. The hash is
 * {@link String#hashCode()} (specified by the JDK, so stable across runs) mixed by a 64-bit finaliser.
 */
public final class HashedNgramFeatures {
    private final int bits;

    public HashedNgramFeatures(int bits) {
        if (bits < 1 || bits > 30) {
            throw new IllegalArgumentException("bits must be in [1, 30], got " + bits);
        }
        this.bits = bits;
    }

    /** The number of features, 2^bits. */
    public int dimension() {
        return 1 << bits;
    }

    /** A sparse vector: sorted distinct indices and their values. */
    public record SparseVector(int[] indices, double[] values) {
        public double dot(double[] weights) {
            double sum = 0;
            for (int i = 0; i < indices.length; i++) {
                sum += weights[indices[i]] * values[i];
            }
            return sum;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof SparseVector vector && Arrays.equals(indices, vector.indices)
                    && Arrays.equals(values, vector.values);
        }

        @Override
        public int hashCode() {
            return 31 * Arrays.hashCode(indices) + Arrays.hashCode(values);
        }
    }

    /** The features of {@code text}. */
    public SparseVector featurize(String text) {
        String cleaned = text.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N}']+", " ").trim();
        String[] words = cleaned.isEmpty() ? new String[0] : cleaned.split(" ");
        TreeMap<Integer, Double> counts = new TreeMap<>();
        for (int i = 0; i < words.length; i++) {
            counts.merge(index("u:" + words[i]), 1.0, Double::sum);
            if (i > 0) {
                counts.merge(index("b:" + words[i - 1] + " " + words[i]), 1.0, Double::sum);
            }
        }
        double norm = Math.sqrt(counts.values().stream().mapToDouble(v -> v * v).sum());
        int[] indices = new int[counts.size()];
        double[] values = new double[counts.size()];
        int k = 0;
        for (var entry : counts.entrySet()) {
            indices[k] = entry.getKey();
            values[k] = entry.getValue() / norm;
            k++;
        }
        return new SparseVector(indices, values);
    }

    private int index(String token) {
        long h = token.hashCode() * 0x9E3779B97F4A7C15L;
        h ^= h >>> 32;
        h *= 0xD6E8FEB86659FD93L;
        h ^= h >>> 32;
        return (int) (h & ((1L << bits) - 1));
    }
}
