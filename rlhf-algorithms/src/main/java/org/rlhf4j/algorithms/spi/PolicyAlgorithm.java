package org.rlhf4j.algorithms.spi;

import java.io.IOException;
import org.rlhf4j.api.algorithm.Algorithm;

/**
 * An algorithm the engine runs in an experiment arm: it trains the arm's policy in place, from the arm's
 * preferences ({@link Algorithm.Input#PREFERENCES}) or from the reward seam ({@link Algorithm.Input#REWARDS}).
 * Every {@code algorithm} type of a task experiment's arm must build one of these.
 */
public interface PolicyAlgorithm extends Algorithm {
    /**
     * Trains {@link ArmContext#policy()} in place; resumes from the arm's checkpoints when
     * {@link ArmContext#resume()}.
     */
    ArmTraining train(ArmContext context) throws IOException;
}
