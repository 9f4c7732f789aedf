package org.rlhf4j.algorithms.bench.paths;

import java.util.List;
import org.rlhf4j.algorithms.bench.BenchKeys;
import org.rlhf4j.algorithms.bench.HotPath;
import org.rlhf4j.algorithms.dpo.DpoStep;
import org.rlhf4j.algorithms.loss.DpoLoss;
import org.rlhf4j.algorithms.model.EngineThreads;
import org.rlhf4j.algorithms.model.TransformerWeights;
import org.rlhf4j.algorithms.optim.AdamW;
import org.rlhf4j.algorithms.optim.LrSchedule;
import org.rlhf4j.algorithms.preference.SequenceEncoder.Encoded;

/**
 * One DPO step (sigmoid loss, beta {@link #BETA}) on the fixed {@link BenchPairs} batch: {@link DpoStep} (chosen and
 * rejected in one forward batch on the data-parallel pass, reference log-probs computed once in {@link #warmUp()})
 * followed by an AdamW update ({@link AdamW.Config#defaults}: clip 1.0), as the DPO trainer runs it; counts pairs.
 * Runs with {@link EngineThreads#trainWorkers()} workers ({@code RLHF_TRAIN_WORKERS=1} for one pass).
 */
public final class DpoStepPath implements HotPath {
    /** DPO's beta (TRL's default). */
    public static final double BETA = 0.1;

    private final BenchModel model;
    private final List<Encoded[]> pairs;
    private final int[] indices;
    private DpoStep step; // built in warmUp
    private AdamW optimizer;

    public DpoStepPath(BenchModel model) {
        this.model = model;
        this.pairs = BenchPairs.build(model.shape());
        this.indices = new int[pairs.size()];
        for (int i = 0; i < indices.length; i++) {
            indices[i] = i;
        }
    }

    @Override
    public String name() {
        return BenchKeys.DPO;
    }

    @Override
    public String unit() {
        return "pairs/s";
    }

    @Override
    public void warmUp() {
        int workers = EngineThreads.trainWorkers();
        TransformerWeights policy = model.weights(1);
        double[][] reference = DpoStep.referenceLogProbs(policy.frozenCopy(), pairs, pairs.size(), workers);
        optimizer = new AdamW(policy, AdamW.Config.defaults(LrSchedule.constant(BenchModel.LR)));
        step = new DpoStep(policy, pairs, reference, DpoLoss.Type.SIGMOID, BETA, 0.0, pairs.size(), workers,
                optimizer.gradientBuffers());
        long start = System.nanoTime();
        for (int i = 0; i < TrainStepPath.WARM_UP_STEPS && (i < 3 || System.nanoTime() - start < TrainStepPath.WARM_UP_NANOS); i++) {
            runOnce();
        }
    }

    @Override
    public long runOnce() {
        if (step == null) {
            throw new IllegalStateException("warmUp first");
        }
        step.compute(indices);
        optimizer.update(step.gradients());
        return pairs.size();
    }

    @Override
    public void close() {
        if (step != null) {
            step.close(); // its data-parallel worker threads
        }
        step = null;
        optimizer = null;
        System.gc(); // lets ND4J free this path's native buffers before the next path runs
    }
}
