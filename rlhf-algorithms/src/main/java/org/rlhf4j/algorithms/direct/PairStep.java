package org.rlhf4j.algorithms.direct;

import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.rlhf4j.engine.train.TrainingLoop;

/** A training step on the arm's pairs ({@link PreferenceStep}, {@link KtoStep}) and where it leaves its gradients. */
interface PairStep extends TrainingLoop.Step, AutoCloseable {
    /** The gradients each step leaves, by parameter name. */
    Map<String, INDArray> gradients();

    @Override
    void close();
}
