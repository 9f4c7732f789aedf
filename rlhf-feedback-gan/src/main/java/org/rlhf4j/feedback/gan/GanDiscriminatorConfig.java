package org.rlhf4j.feedback.gan;

/**
 * Settings of {@code gan-discriminator}.
 *
 * @param demonstrations JSONL of expert demonstrations ("real"): objects with {@code response} (or
 *     {@code text}) and optionally {@code prompt}; relative to the config file
 * @param featureBits the discriminator hashes unigrams and bigrams into 2^feature_bits features (default 16)
 * @param dSteps discriminator SGD steps per {@code observe} round (default 50)
 * @param lr the SGD learning rate (default 0.5)
 * @param l2 the L2 penalty (default 1e-4)
 * @param batchSize examples per step, half real and half fake (default 32)
 * @param reward how a discriminator output becomes a reward (default {@code logit})
 * @param fakeBuffer how many recent policy samples are kept as "fake" examples (default 1024)
 * @param seed the seed of minibatch sampling (default 0, mixed with the experiment seed)
 */
public record GanDiscriminatorConfig(
        String demonstrations,
        Integer featureBits,
        Integer dSteps,
        Double lr,
        Double l2,
        Integer batchSize,
        RewardForm reward,
        Integer fakeBuffer,
        Long seed) {
    /** The reward of a response x from D(x), the probability that x is a demonstration. */
    public enum RewardForm {
        /** log D(x) - log(1 - D(x)), the discriminator's logit (AIRL-style). */
        LOGIT,
        /** -log(1 - D(x)), always positive (the non-saturating GAN reward). */
        NEG_LOG_ONE_MINUS_D
    }

    public GanDiscriminatorConfig {
        if (demonstrations == null || demonstrations.isBlank()) {
            throw new IllegalArgumentException("missing 'demonstrations' (a JSONL file of expert responses)");
        }
        featureBits = featureBits == null ? 16 : featureBits;
        if (featureBits < 4 || featureBits > 24) {
            throw new IllegalArgumentException("feature_bits must be in [4, 24], got " + featureBits);
        }
        dSteps = dSteps == null ? 50 : dSteps;
        if (dSteps < 0) {
            throw new IllegalArgumentException("d_steps must be >= 0, got " + dSteps);
        }
        lr = lr == null ? 0.5 : lr;
        if (!(lr > 0) || !Double.isFinite(lr)) {
            throw new IllegalArgumentException("lr must be > 0, got " + lr);
        }
        l2 = l2 == null ? 1e-4 : l2;
        if (!(l2 >= 0) || !Double.isFinite(l2)) {
            throw new IllegalArgumentException("l2 must be >= 0, got " + l2);
        }
        batchSize = batchSize == null ? 32 : batchSize;
        if (batchSize < 2) {
            throw new IllegalArgumentException("batch_size must be >= 2, got " + batchSize);
        }
        reward = reward == null ? RewardForm.LOGIT : reward;
        fakeBuffer = fakeBuffer == null ? 1024 : fakeBuffer;
        if (fakeBuffer < 1) {
            throw new IllegalArgumentException("fake_buffer must be >= 1, got " + fakeBuffer);
        }
        seed = seed == null ? 0L : seed;
    }
}
