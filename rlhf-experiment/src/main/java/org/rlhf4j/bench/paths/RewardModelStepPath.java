package org.rlhf4j.bench.paths;

import java.util.ArrayList;
import java.util.List;
import org.rlhf4j.algorithms.rewardmodel.PairObjective;
import org.rlhf4j.algorithms.rewardmodel.ScalarModelStep;
import org.rlhf4j.algorithms.rewardmodel.ScalarPair;
import org.rlhf4j.api.config.RewardModelConfig;
import org.rlhf4j.bench.BenchKeys;
import org.rlhf4j.engine.model.EngineThreads;
import org.rlhf4j.engine.model.Heads;
import org.rlhf4j.engine.model.TransformerWeights;
import org.rlhf4j.engine.optim.AdamW;
import org.rlhf4j.engine.optim.LrSchedule;
import org.rlhf4j.engine.random.Rng;
import org.rlhf4j.engine.tokenizer.SequenceEncoder.Encoded;

/**
 * One reward-model step on the fixed {@link BenchPairs} batch: the backbone with a scalar head (no {@code lm_head})
 * read at each sequence's last response token, the Bradley-Terry loss {@code -log sigmoid(r_chosen - r_rejected)}
 * ({@link ScalarModelStep} on the data-parallel pass), then an AdamW update ({@link AdamW.Config#defaults}: clip
 * 1.0), as the reward-model trainer runs it; counts pairs. Runs with {@link EngineThreads#trainWorkers()} workers.
 */
public final class RewardModelStepPath extends PairStepPath {
    private final BenchModel model;
    private final List<ScalarPair> pairs;

    public RewardModelStepPath(BenchModel model) {
        this(model, scalarPairs(model));
    }

    private RewardModelStepPath(BenchModel model, List<ScalarPair> pairs) {
        super(pairs.size());
        this.model = model;
        this.pairs = pairs;
    }

    private static List<ScalarPair> scalarPairs(BenchModel model) {
        List<ScalarPair> pairs = new ArrayList<>();
        for (Encoded[] p : BenchPairs.build(model.shape())) {
            pairs.add(new ScalarPair(p[0], p[1], 1.0, 0, 0));
        }
        return pairs;
    }

    @Override
    public String name() {
        return BenchKeys.REWARD_MODEL;
    }

    @Override
    public void warmUp() {
        TransformerWeights weights = TransformerWeights.init(model.config(), Heads.SCALAR, new Rng(1));
        AdamW optimizer = new AdamW(weights, AdamW.Config.defaults(LrSchedule.constant(BenchModel.LR)));
        // plain Bradley-Terry: the defaults have no margin, centring or L2
        ScalarModelStep step = new ScalarModelStep(weights, pairs, PairObjective.reward(RewardModelConfig.defaults()), "reward_model",
                pairs.size(), EngineThreads.trainWorkers(), optimizer.gradientBuffers());
        start(step, step.gradients(), step, optimizer);
    }
}
