package org.rlhf4j.bench.paths;

import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.rlhf4j.bench.HotPath;
import org.rlhf4j.engine.optim.AdamW;
import org.rlhf4j.engine.train.TrainingLoop;

/**
 * A hot path that times one training step on the whole fixed {@link BenchPairs} batch followed by an AdamW
 * update, as a preference trainer runs it; counts pairs. Subclasses build their step in {@link #warmUp()} and
 * hand it to {@link #start}.
 */
abstract class PairStepPath implements HotPath {
    private final int[] indices;
    private TrainingLoop.Step step; // set by start
    private Map<String, INDArray> gradients;
    private AutoCloseable resources;
    private AdamW optimizer;
    private double lastLoss = Double.NaN;

    PairStepPath(int pairs) {
        this.indices = new int[pairs];
        for (int i = 0; i < pairs; i++) {
            indices[i] = i;
        }
    }

    @Override
    public String unit() {
        return "pairs/s";
    }

    /** Keeps the built step (its gradients, the resources to close) and warms it up as the training path does. */
    protected final void start(TrainingLoop.Step step, Map<String, INDArray> gradients, AutoCloseable resources, AdamW optimizer) {
        this.step = step;
        this.gradients = gradients;
        this.resources = resources;
        this.optimizer = optimizer;
        long start = System.nanoTime();
        for (int i = 0; i < TrainStepPath.WARM_UP_STEPS && (i < 3 || System.nanoTime() - start < TrainStepPath.WARM_UP_NANOS); i++) {
            runOnce();
        }
    }

    @Override
    public final long runOnce() {
        if (step == null) {
            throw new IllegalStateException("warmUp first");
        }
        lastLoss = step.compute(indices).loss();
        optimizer.update(gradients);
        return indices.length;
    }

    /** The loss of the last timed step (for tests: the step ran). */
    final double lastLoss() {
        return lastLoss;
    }

    /** The optimizer's updates so far (for tests: every step updates the weights). */
    final long updates() {
        return optimizer.step();
    }

    @Override
    public final void close() {
        if (resources != null) {
            try {
                resources.close(); // the step's data-parallel worker threads
            }
            catch (Exception e) {
                throw new IllegalStateException("cannot close the bench step: " + e.getMessage(), e);
            }
        }
        step = null;
        gradients = null;
        resources = null;
        optimizer = null;
        System.gc(); // lets ND4J free this path's native buffers before the next path runs
    }
}
