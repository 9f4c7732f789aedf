package org.rlhf4j.api.feedback;

import static java.util.Objects.requireNonNull;

/**
 * One response to one prompt, as a policy produced it or a dataset holds it.
 *
 * @param prompt the prompt, possibly empty (datasets such as HH-RLHF keep the prompt inside the response)
 * @param response the response text
 */
public record Completion(String prompt, String response) {
    public Completion {
        requireNonNull(prompt, "prompt is null");
        requireNonNull(response, "response is null");
    }
}
