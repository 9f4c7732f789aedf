package org.rlhf4j.algorithms.bench.paths;

import java.util.ArrayList;
import java.util.List;
import org.rlhf4j.algorithms.bench.BenchKeys;
import org.rlhf4j.algorithms.bench.HotPath;
import org.rlhf4j.algorithms.loss.BradleyTerryLoss;
import org.rlhf4j.algorithms.model.EngineThreads;
import org.rlhf4j.algorithms.model.Heads;
import org.rlhf4j.algorithms.model.TransformerWeights;
import org.rlhf4j.algorithms.optim.AdamW;
import org.rlhf4j.algorithms.optim.LrSchedule;
import org.rlhf4j.algorithms.preference.SequenceEncoder.Encoded;
import org.rlhf4j.algorithms.reward.PairObjective;
import org.rlhf4j.algorithms.reward.ScalarModelStep;
import org.rlhf4j.algorithms.reward.ScalarPair;
import org.rlhf4j.algorithms.util.Rng;

/**
 * One reward-model step on the fixed {@link BenchPairs} batch: the backbone with a scalar head (no {@code lm_head})
 * read at each sequence's last response token, the Bradley-Terry loss {@code -log sigmoid(r_chosen - r_rejected)}
 * ({@link ScalarModelStep} on the data-parallel pass), then an AdamW update ({@link AdamW.Config#defaults}: clip
 * 1.0), as the reward-model trainer runs it; counts pairs. Runs with {@link EngineThreads#trainWorkers()} workers.
 */
public final class RewardModelStepPath implements HotPath {
    private final BenchModel model;
    private final List<ScalarPair> pairs = new ArrayList<>();
    private final int[] indices;
    private ScalarModelStep step; // built in warmUp
    private AdamW optimizer;

    public RewardModelStepPath(BenchModel model) {
        this.model = model;
        for (Encoded[] p : BenchPairs.build(model.shape())) {
            pairs.add(new ScalarPair(p[0], p[1], 1.0, 0, 0));
        }
        this.indices = new int[pairs.size()];
        for (int i = 0; i < indices.length; i++) {
            indices[i] = i;
        }
    }

    @Override
    public String name() {
        return BenchKeys.REWARD_MODEL;
    }

    @Override
    public String unit() {
        return "pairs/s";
    }

    @Override
    public void warmUp() {
        TransformerWeights weights = TransformerWeights.init(model.config(), Heads.SCALAR, new Rng(1));
        optimizer = new AdamW(weights, AdamW.Config.defaults(LrSchedule.constant(BenchModel.LR)));
        PairObjective bradleyTerry = (first, second, batch, normaliser) -> BradleyTerryLoss.compute(first, second,
                batch.stream().mapToDouble(ScalarPair::target).toArray(), 0, 0, 0, normaliser);
        step = new ScalarModelStep(weights, pairs, bradleyTerry, "reward_model", pairs.size(), EngineThreads.trainWorkers(),
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
