package org.rlhf4j.api.config;

import static org.rlhf4j.api.config.PolicyConfig.finite;
import static org.rlhf4j.api.config.PolicyConfig.positive;

/**
 * How policies are evaluated: sampled on the task's held-out EVAL prompts and scored with its gold scorer.
 *
 * @param prompts how many EVAL prompts to use, from the start of the list; 0 for all (default 0)
 * @param samplesPerPrompt responses sampled per prompt (default {@value #DEFAULT_SAMPLES_PER_PROMPT})
 * @param maxNewTokens the most tokens a response may have, capped by the context (default {@value #DEFAULT_MAX_NEW_TOKENS})
 * @param temperature sampling temperature, 0 for greedy (default 1)
 * @param topK keep the k most likely tokens, 0 for off (default 0)
 * @param topP nucleus sampling threshold, 1 for off (default 1)
 */
public record EvaluationConfig(
        Integer prompts,
        Integer samplesPerPrompt,
        Integer maxNewTokens,
        Double temperature,
        Integer topK,
        Double topP) {
    public static final int DEFAULT_SAMPLES_PER_PROMPT = 4;
    public static final int DEFAULT_MAX_NEW_TOKENS = 40;

    public EvaluationConfig {
        prompts = prompts == null ? 0 : prompts;
        if (prompts < 0) {
            throw new IllegalArgumentException("prompts must be >= 0, got " + prompts);
        }
        samplesPerPrompt = positive("samples_per_prompt", samplesPerPrompt, DEFAULT_SAMPLES_PER_PROMPT);
        maxNewTokens = positive("max_new_tokens", maxNewTokens, DEFAULT_MAX_NEW_TOKENS);
        temperature = finite("temperature", temperature, 1.0, 0, 100);
        topK = topK == null ? 0 : topK;
        if (topK < 0) {
            throw new IllegalArgumentException("top_k must be >= 0, got " + topK);
        }
        topP = finite("top_p", topP, 1.0, Double.MIN_VALUE, 1);
    }

    /** The defaults. */
    public static EvaluationConfig defaults() {
        return new EvaluationConfig(null, null, null, null, null, null);
    }
}
