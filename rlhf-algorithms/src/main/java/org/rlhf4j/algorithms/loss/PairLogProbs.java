package org.rlhf4j.algorithms.loss;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;

/**
 * What a {@link PreferenceLoss} sees of a batch of (chosen, rejected) pairs: each response's log-probability (the sum
 * over its tokens, {@code <eos>} included) under the policy and under the frozen reference, and its length in tokens.
 * The arrays are indexed by pair.
 *
 * @param policyChosen the chosen responses' log-probs under the policy
 * @param policyRejected the rejected responses' log-probs under the policy
 * @param referenceChosen the chosen responses' log-probs under the reference (NaN where the loss needs no reference)
 * @param referenceRejected the rejected responses' log-probs under the reference (NaN likewise)
 * @param chosenTokens the chosen responses' lengths in tokens (at least 1: {@code <eos>})
 * @param rejectedTokens the rejected responses' lengths in tokens
 */
public record PairLogProbs(double[] policyChosen, double[] policyRejected, double[] referenceChosen, double[] referenceRejected,
        int[] chosenTokens, int[] rejectedTokens) {
    public PairLogProbs {
        requireNonNull(policyChosen, "policyChosen is null");
        int n = policyChosen.length;
        for (int length : new int[] {requireNonNull(policyRejected, "policyRejected is null").length,
                requireNonNull(referenceChosen, "referenceChosen is null").length,
                requireNonNull(referenceRejected, "referenceRejected is null").length,
                requireNonNull(chosenTokens, "chosenTokens is null").length,
                requireNonNull(rejectedTokens, "rejectedTokens is null").length}) {
            if (length != n) {
                throw new IllegalArgumentException("inputs of different lengths: " + length + " and " + n);
            }
        }
    }

    /** Pairs whose responses are one token each (for losses that do not read lengths, and for tests). */
    public static PairLogProbs of(double[] policyChosen, double[] policyRejected, double[] referenceChosen,
            double[] referenceRejected) {
        int[] ones = new int[policyChosen.length];
        Arrays.fill(ones, 1);
        return new PairLogProbs(policyChosen, policyRejected, referenceChosen, referenceRejected, ones, ones.clone());
    }

    /** The number of pairs. */
    public int size() {
        return policyChosen.length;
    }

    /** The pairs {@code [from, to)}. */
    public PairLogProbs slice(int from, int to) {
        return new PairLogProbs(Arrays.copyOfRange(policyChosen, from, to), Arrays.copyOfRange(policyRejected, from, to),
                Arrays.copyOfRange(referenceChosen, from, to), Arrays.copyOfRange(referenceRejected, from, to),
                Arrays.copyOfRange(chosenTokens, from, to), Arrays.copyOfRange(rejectedTokens, from, to));
    }
}
