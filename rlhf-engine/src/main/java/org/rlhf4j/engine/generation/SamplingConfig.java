package org.rlhf4j.engine.generation;

/**
 * How to sample continuations.
 *
 * @param maxNewTokens maximum tokens generated per prompt
 * @param temperature softmax temperature; 0 means greedy (argmax)
 * @param topK keep only the k most likely tokens (0 = off)
 * @param topP nucleus sampling: keep the smallest set of most likely tokens whose probability reaches p (1 = off)
 * @param stopToken generation of a row ends after it emits this id (it is included in the response); -1 for none
 * @param useKvCache incremental decoding with a key/value cache (true) or full recomputation per token (false)
 */
public record SamplingConfig(int maxNewTokens, double temperature, int topK, double topP, int stopToken, boolean useKvCache) {

    public SamplingConfig {
        if (maxNewTokens <= 0) {
            throw new IllegalArgumentException("maxNewTokens must be positive: " + maxNewTokens);
        }
        if (!(temperature >= 0) || topK < 0 || !(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("bad sampling config: temperature " + temperature + ", topK " + topK + ", topP " + topP);
        }
    }

    /** Plain sampling at temperature 1 with the KV cache. */
    public static SamplingConfig of(int maxNewTokens, int stopToken) {
        return new SamplingConfig(maxNewTokens, 1.0, 0, 1.0, stopToken, true);
    }

    public SamplingConfig withKvCache(boolean on) {
        return new SamplingConfig(maxNewTokens, temperature, topK, topP, stopToken, on);
    }
}
