package org.rlhf4j.bench.paths;

import java.util.List;
import org.rlhf4j.algorithms.direct.PreferenceStep;
import org.rlhf4j.algorithms.loss.DpoLoss;
import org.rlhf4j.bench.BenchKeys;
import org.rlhf4j.engine.model.EngineThreads;
import org.rlhf4j.engine.model.TransformerWeights;
import org.rlhf4j.engine.optim.AdamW;
import org.rlhf4j.engine.optim.LrSchedule;
import org.rlhf4j.engine.tokenizer.SequenceEncoder.Encoded;

/**
 * One DPO step (sigmoid loss, beta {@link #BETA}) on the fixed {@link BenchPairs} batch: {@link PreferenceStep} with {@link DpoLoss} (chosen and
 * rejected in one forward batch on the data-parallel pass, reference log-probs computed once in {@link #warmUp()})
 * followed by an AdamW update ({@link AdamW.Config#defaults}: clip 1.0), as the DPO trainer runs it; counts pairs.
 * Runs with {@link EngineThreads#trainWorkers()} workers ({@code RLHF_TRAIN_WORKERS=1} for one pass).
 */
public final class DpoStepPath extends PairStepPath {
    /** DPO's beta (TRL's default). */
    public static final double BETA = 0.1;

    private final BenchModel model;
    private final List<Encoded[]> pairs;

    public DpoStepPath(BenchModel model) {
        this(model, BenchPairs.build(model.shape()));
    }

    private DpoStepPath(BenchModel model, List<Encoded[]> pairs) {
        super(pairs.size());
        this.model = model;
        this.pairs = pairs;
    }

    @Override
    public String name() {
        return BenchKeys.DPO;
    }

    @Override
    public void warmUp() {
        int workers = EngineThreads.trainWorkers();
        TransformerWeights policy = model.weights(1);
        double[][] reference = PreferenceStep.referenceLogProbs(policy.frozenCopy(), pairs, pairs.size(), workers);
        AdamW optimizer = new AdamW(policy, AdamW.Config.defaults(LrSchedule.constant(BenchModel.LR)));
        PreferenceStep step = new PreferenceStep(policy, pairs, reference, new DpoLoss(DpoLoss.Type.SIGMOID, BETA, 0.0), pairs.size(),
                workers, optimizer.gradientBuffers());
        start(step, step.gradients(), step, optimizer);
    }
}
