package org.rlhf4j.api.task;

import static java.util.Objects.requireNonNull;

/**
 * An expert completion of a prompt: the "real" examples an RLGAF discriminator learns to tell apart
 * from the policy's samples.
 *
 * <p>The full text is {@code prompt + " " + response}; the response never repeats the prompt.
 *
 * @param prompt the prompt, as it would be given to the policy
 * @param response the expert's continuation of the prompt
 */
public record Demonstration(String prompt, String response) {
    public Demonstration {
        requireNonNull(prompt, "prompt is null");
        requireNonNull(response, "response is null");
    }

    /** Returns the prompt and the response joined by one space. */
    public String text() {
        return prompt.isEmpty() ? response : prompt + " " + response;
    }
}
