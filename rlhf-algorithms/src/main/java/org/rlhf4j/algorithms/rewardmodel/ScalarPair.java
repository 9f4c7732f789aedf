package org.rlhf4j.algorithms.rewardmodel;

import static java.util.Objects.requireNonNull;

import org.rlhf4j.engine.tokenizer.SequenceEncoder.Encoded;

/**
 * A training pair of a scalar model.
 *
 * @param first the chosen (reward model) or safer (cost model) response
 * @param second the other response
 * @param target reward model: 1 for a preference, 0.5 for a tie; cost model: 1 when one response is strictly
 *     safer, 0 when neither is
 * @param signFirst cost model: +1 when {@code first} is labelled unsafe, -1 when safe, 0 without a verdict
 * @param signSecond the same for {@code second}
 */
public record ScalarPair(Encoded first, Encoded second, double target, double signFirst, double signSecond) {
    public ScalarPair {
        requireNonNull(first, "first is null");
        requireNonNull(second, "second is null");
    }
}
