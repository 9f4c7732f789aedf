package org.rlhf4j.api.config;

import static org.rlhf4j.api.config.PolicyConfig.finite;
import static org.rlhf4j.api.config.PolicyConfig.positive;

/**
 * How an arm of a task experiment collects pairwise preferences: its feedback source labels pairs of the
 * SFT policy's responses (two samples per prompt) on the task's TRAIN prompts; or the arm reuses the
 * labels of another arm, so that two algorithms learn from exactly the same preferences.
 *
 * @param from the name of an earlier arm whose preferences this arm reuses; the arm then has no
 *     {@code feedback} of its own and no other key here
 * @param pairs comparisons to label (default {@value #DEFAULT_PAIRS}); TRAIN prompts are cycled in a seeded order; 0 for
 *     an arm whose algorithm takes its labels while it trains (online DPO) and collects none before
 * @param temperature sampling temperature of the two responses (default 1)
 * @param maxNewTokens the most tokens per response, capped by the context (default {@value #DEFAULT_MAX_NEW_TOKENS})
 * @param batchSize comparisons per generation batch and per call to the feedback source (default {@value #DEFAULT_BATCH_SIZE})
 * @param heldoutFraction share of the pairs kept out of reward/cost-model training to measure their
 *     accuracy (default {@value #DEFAULT_HELDOUT_FRACTION})
 */
public record PreferencesConfig(
        String from,
        Integer pairs,
        Double temperature,
        Integer maxNewTokens,
        Integer batchSize,
        Double heldoutFraction) {
    public static final int DEFAULT_PAIRS = 512;
    public static final int DEFAULT_MAX_NEW_TOKENS = 40;
    public static final int DEFAULT_BATCH_SIZE = 64;
    public static final double DEFAULT_HELDOUT_FRACTION = 0.1;

    public PreferencesConfig {
        if (from != null && (pairs != null || temperature != null || maxNewTokens != null || batchSize != null
                || heldoutFraction != null)) {
            throw new IllegalArgumentException("'from' reuses another arm's preferences: it takes no other key");
        }
        if (from != null && from.isBlank()) {
            throw new IllegalArgumentException("'from' must name an arm");
        }
        pairs = ConfigValues.atLeast("pairs", pairs, DEFAULT_PAIRS, 0);
        temperature = finite("temperature", temperature, 1.0, 0, 100);
        maxNewTokens = positive("max_new_tokens", maxNewTokens, DEFAULT_MAX_NEW_TOKENS);
        batchSize = positive("batch_size", batchSize, DEFAULT_BATCH_SIZE);
        heldoutFraction = finite("heldout_fraction", heldoutFraction, DEFAULT_HELDOUT_FRACTION, 0, 0.5);
    }

    /** The defaults (collect with the arm's own feedback source). */
    public static PreferencesConfig defaults() {
        return new PreferencesConfig(null, null, null, null, null, null);
    }

    /** True when the arm reuses another arm's preferences. */
    public boolean reused() {
        return from != null;
    }
}
