package org.rlhf4j.experiment.eval;

import java.util.List;

/**
 * A learned scorer of responses, such as a reward or a cost model: the hook through which
 * {@link Evaluator} measures how well a model agrees with the task's gold scorer.
 */
@FunctionalInterface
public interface ResponseScorer {
    /** Scores each {@code (prompts[i], responses[i])}; higher means more reward (or more cost). */
    double[] score(List<String> prompts, List<String> responses);
}
