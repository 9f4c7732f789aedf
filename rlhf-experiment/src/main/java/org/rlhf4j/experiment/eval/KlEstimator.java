package org.rlhf4j.experiment.eval;

import static java.util.Objects.requireNonNull;

/**
 * Sampled estimators of {@code KL(policy || reference)} from the per-token log-probabilities that the policy
 * and the reference give to the policy's own samples (Schulman, "Approximating KL divergence", 2020).
 *
 * <p>With {@code d_t = logp_policy(t) - logp_reference(t)} for each response token {@code t} of a sequence
 * sampled from the policy, a sequence's estimate is {@code sum_t k(d_t)}, and a batch's is the mean over its
 * sequences:
 * <ul>
 *   <li>{@link #K1}: {@code k = d}. Unbiased, high variance, can be negative on a batch.
 *       <b>This is "the" KL rlhf4j logs</b> (as {@code objective/kl}, and {@code kl_to_reference} in
 *       {@code summary.json}): k1 summed over response tokens, averaged over sequences, like TRL's
 *       {@code objective/kl}.</li>
 *   <li>{@link #K2}: {@code k = d^2 / 2}. Biased, low variance, never negative.</li>
 *   <li>{@link #K3}: {@code k = (exp(r) - 1) - r} with {@code r = -d = logp_reference - logp_policy}.
 *       Unbiased, low variance, never negative (TRL's {@code kl_estimator="k3"}).</li>
 * </ul>
 * All three are exactly {@code 0} when the two log-probabilities agree.
 */
public enum KlEstimator {
    K1 {
        @Override
        public double token(double policyLogprob, double referenceLogprob) {
            return policyLogprob - referenceLogprob;
        }
    },
    K2 {
        @Override
        public double token(double policyLogprob, double referenceLogprob) {
            double d = policyLogprob - referenceLogprob;
            return 0.5 * d * d;
        }
    },
    K3 {
        @Override
        public double token(double policyLogprob, double referenceLogprob) {
            double r = referenceLogprob - policyLogprob;
            return Math.expm1(r) - r;
        }
    };

    /** The estimate for one token. */
    public abstract double token(double policyLogprob, double referenceLogprob);

    /** The estimate for one sequence: the sum over its response tokens. */
    public double sequence(double[] policyLogprobs, double[] referenceLogprobs) {
        requireNonNull(policyLogprobs, "policyLogprobs is null");
        requireNonNull(referenceLogprobs, "referenceLogprobs is null");
        checkLengths(policyLogprobs.length, referenceLogprobs.length);
        double sum = 0.0;
        for (int t = 0; t < policyLogprobs.length; t++) {
            sum += token(policyLogprobs[t], referenceLogprobs[t]);
        }
        return sum;
    }

    /** The estimate for one sequence, from {@code float} log-probabilities (summed in {@code double}). */
    public double sequence(float[] policyLogprobs, float[] referenceLogprobs) {
        return sequence(widen(requireNonNull(policyLogprobs, "policyLogprobs is null")),
                widen(requireNonNull(referenceLogprobs, "referenceLogprobs is null")));
    }

    /** {@code values} as doubles (exactly: every float is a double). */
    private static double[] widen(float[] values) {
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i];
        }
        return out;
    }

    /**
     * The batch estimate: the mean of {@link #sequence(double[], double[])} over sequences (which may have
     * different lengths; row {@code i} of both arrays is sequence {@code i}).
     *
     * @throws IllegalArgumentException if there are no sequences or the shapes differ
     */
    public double mean(double[][] policyLogprobs, double[][] referenceLogprobs) {
        requireNonNull(policyLogprobs, "policyLogprobs is null");
        requireNonNull(referenceLogprobs, "referenceLogprobs is null");
        if (policyLogprobs.length != referenceLogprobs.length) {
            throw new IllegalArgumentException("policy has " + policyLogprobs.length + " sequences, reference " + referenceLogprobs.length);
        }
        if (policyLogprobs.length == 0) {
            throw new IllegalArgumentException("no sequences");
        }
        double sum = 0.0;
        for (int i = 0; i < policyLogprobs.length; i++) {
            sum += sequence(policyLogprobs[i], referenceLogprobs[i]);
        }
        return sum / policyLogprobs.length;
    }

    private static void checkLengths(int policy, int reference) {
        if (policy != reference) {
            throw new IllegalArgumentException("policy has " + policy + " log-probabilities, reference " + reference);
        }
    }
}
