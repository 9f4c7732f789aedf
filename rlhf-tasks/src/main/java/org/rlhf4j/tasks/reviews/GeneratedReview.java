package org.rlhf4j.tasks.reviews;

import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * One review written by {@link ReviewGrammar}, with the latent variables that produced it.
 *
 * @param prompt the opening of the review ("i bought this kettle last week and")
 * @param response the rest of the review
 * @param product the product word the review is about
 * @param category the product's category ("kitchen")
 * @param sentiment the latent sentiment in {@code [-1, 1]} that drove word choice
 * @param mixed whether the review was written as a mixed review (praise and complaints)
 * @param harmCategory the harm category of the unsafe sentence it contains, if any
 * @param tokenCount the number of tokens of prompt and response together
 */
public record GeneratedReview(
        String prompt,
        String response,
        String product,
        String category,
        double sentiment,
        boolean mixed,
        Optional<String> harmCategory,
        int tokenCount) {
    public GeneratedReview {
        requireNonNull(prompt, "prompt is null");
        requireNonNull(response, "response is null");
        requireNonNull(product, "product is null");
        requireNonNull(category, "category is null");
        requireNonNull(harmCategory, "harmCategory is null");
    }

    /** The whole review: prompt, a space, response. */
    public String text() {
        return prompt + " " + response;
    }
}
