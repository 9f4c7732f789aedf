package org.rlhf4j.api.feedback;

/**
 * The "true" quality of a response, standing in for human intent in simulations: simulated annotators
 * turn it into noisy labels; evaluation reports it; learners never see it.
 */
@FunctionalInterface
public interface GoldScorer {
    /**
     * Scores one response.
     *
     * @return a finite score, higher is better
     */
    double score(String prompt, String response);
}
