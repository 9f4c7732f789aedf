package org.rlhf4j.algorithms.rewardmodel;

import java.util.List;
import org.rlhf4j.algorithms.loss.BradleyTerryLoss;
import org.rlhf4j.algorithms.loss.CostModelLoss;
import org.rlhf4j.algorithms.loss.PairLoss;
import org.rlhf4j.api.config.RewardModelConfig;

/** The loss a scalar model trains with, over the scores of a batch of {@link ScalarPair}s. */
@FunctionalInterface
public interface PairObjective {
    PairLoss compute(double[] first, double[] second, List<ScalarPair> pairs, double normaliser);

    /** The reward model's Bradley-Terry loss with the config's margin, centring and L2. */
    static PairObjective reward(RewardModelConfig config) {
        return (first, second, pairs, normaliser) -> BradleyTerryLoss.compute(first, second,
                pairs.stream().mapToDouble(ScalarPair::target).toArray(), config.margin(), config.centerRewardsCoefficient(),
                config.l2(), normaliser);
    }

    /** Safe RLHF's cost model loss with the config's L2. */
    static PairObjective cost(RewardModelConfig config) {
        return (first, second, pairs, normaliser) -> CostModelLoss.compute(first, second,
                pairs.stream().mapToDouble(ScalarPair::target).toArray(),
                pairs.stream().mapToDouble(ScalarPair::signFirst).toArray(),
                pairs.stream().mapToDouble(ScalarPair::signSecond).toArray(), config.l2(), normaliser);
    }
}
