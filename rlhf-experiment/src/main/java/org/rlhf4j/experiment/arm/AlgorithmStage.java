package org.rlhf4j.experiment.arm;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import org.rlhf4j.algorithms.preference.FeedbackSourceLabeller;
import org.rlhf4j.algorithms.preference.LabelledPair;
import org.rlhf4j.algorithms.preference.PairLabeller;
import org.rlhf4j.algorithms.reward.FeedbackSourceReward;
import org.rlhf4j.algorithms.reward.MixedReward;
import org.rlhf4j.algorithms.reward.RewardAndCost;
import org.rlhf4j.algorithms.reward.RewardFunction;
import org.rlhf4j.algorithms.spi.ArmTraining;
import org.rlhf4j.algorithms.spi.GoldMonitor;
import org.rlhf4j.algorithms.spi.PolicyAlgorithm;
import org.rlhf4j.api.config.ArmPlan;
import org.rlhf4j.api.feedback.FeedbackSource;
import org.rlhf4j.engine.model.TransformerWeights;
import org.rlhf4j.engine.random.Seeds;
import org.rlhf4j.engine.train.TrainingLoop;

/**
 * The algorithm stage of an arm's round: assembles the round's reward seam (its reward model, with its cost model when
 * it has one; a feedback source that scores, alone or mixed with the reward model by {@code reward_mix}) and the arm's
 * feedback source as a labeller of fresh pairs (online DPO), and runs the arm's algorithm on the policy with a
 * {@link RoundContext}.
 */
final class AlgorithmStage {
    private final RunContext run;
    private final MonitorStage monitor;

    AlgorithmStage(RunContext run, MonitorStage monitor) {
        this.run = requireNonNull(run, "run is null");
        this.monitor = requireNonNull(monitor, "monitor is null");
    }

    /**
     * Trains {@code policy} in place for one round.
     *
     * @param train the round's training pairs
     * @param stepsBefore the policy updates of the arm's earlier rounds (its metrics lines count on from them)
     * @param summary the arm's summary, which names the seam ({@code rewards})
     */
    ArmTraining train(ArmPlan arm, PolicyAlgorithm algorithm, FeedbackSource source, ArmRound round, TransformerWeights policy,
            List<LabelledPair> train, ArmModels models, long stepsBefore, ObjectNode summary) throws IOException {
        Optional<RewardFunction> seam = seam(arm, source, round, models);
        seam.ifPresent(s -> summary.put("rewards", s.describe()));
        TrainingLoop.MetricsSink sink = round.algorithmSink(stepsBefore);
        GoldMonitor gold = seam.map(s -> monitor.monitor(arm.name(), s, policy, sink)).orElse(GoldMonitor.NONE);
        Optional<PairLabeller> labeller = Optional.ofNullable(source).map(s -> new FeedbackSourceLabeller(arm.feedbackType(), s,
                arm.name(), Seeds.derive(round.seed(), "labels")));
        return algorithm.train(new RoundContext(run, arm.name(), round, sink, policy, train, seam, labeller, models, gold));
    }

    /**
     * The round's reward seam: the reward model (with the cost model); a source that scores is the seam itself (an AI
     * judge, a rule, a discriminator), with a share of the reward model's reward mixed in when the arm asks for it.
     */
    private static Optional<RewardFunction> seam(ArmPlan arm, FeedbackSource source, ArmRound round, ArmModels models) {
        Optional<RewardFunction> rewards = models.reward().<RewardFunction>map(reward -> models.cost().isPresent()
                ? new RewardAndCost(reward, models.cost().get()) : reward);
        if ((rewards.isEmpty() || arm.config().rewardMix().isPresent()) && source != null && source.givesScores()) {
            RewardFunction scores = new FeedbackSourceReward(arm.feedbackType(), source, arm.name(),
                    Seeds.derive(round.seed(), "rewards"));
            rewards = Optional.of(rewards.isEmpty() ? scores : new MixedReward(scores, rewards.get(), arm.config().rewardMix().get()));
        }
        return rewards;
    }
}
