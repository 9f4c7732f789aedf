package org.rlhf4j.api.feedback;

import static java.util.Objects.requireNonNull;

/**
 * Two responses to the same prompt that a judge should compare.
 *
 * @param prompt the prompt both responses answer, possibly empty
 * @param responseA the response shown first
 * @param responseB the response shown second
 */
public record Comparison(String prompt, String responseA, String responseB) {
    public Comparison {
        requireNonNull(prompt, "prompt is null");
        requireNonNull(responseA, "responseA is null");
        requireNonNull(responseB, "responseB is null");
    }

    /** This comparison with A and B trading places (used to measure and remove position bias). */
    public Comparison swapped() {
        return new Comparison(prompt, responseB, responseA);
    }

    /** Response A as a completion of the prompt. */
    public Completion completionA() {
        return new Completion(prompt, responseA);
    }

    /** Response B as a completion of the prompt. */
    public Completion completionB() {
        return new Completion(prompt, responseB);
    }
}
