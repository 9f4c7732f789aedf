package org.rlhf4j.api.config;

/**
 * The experiment's input data.
 *
 * @param comparisons a JSONL file of {@code {"prompt", "response_a", "response_b"}} objects to label,
 *     relative to the config file's directory
 */
public record DataConfig(String comparisons) {
    public DataConfig {
        if (comparisons == null || comparisons.isBlank()) {
            throw new IllegalArgumentException("missing 'comparisons' (a JSONL file of prompt/response_a/response_b objects)");
        }
    }
}
