package org.rlhf4j.experiment.arm;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;
import org.rlhf4j.algorithms.preference.LabelledPair;
import org.rlhf4j.algorithms.preference.PairLabeller;
import org.rlhf4j.algorithms.reward.RewardFunction;
import org.rlhf4j.algorithms.spi.ArmContext;
import org.rlhf4j.algorithms.spi.GoldMonitor;
import org.rlhf4j.api.task.Split;
import org.rlhf4j.engine.checkpoint.CheckpointStore;
import org.rlhf4j.engine.model.TransformerWeights;
import org.rlhf4j.engine.random.Seeds;
import org.rlhf4j.engine.tokenizer.SequenceEncoder;
import org.rlhf4j.engine.train.ProgressListener;
import org.rlhf4j.engine.train.TrainingLoop;

/**
 * What the algorithm of one round of an arm sees ({@link ArmContext}): the policy to continue, the round's training
 * pairs, its reward seam and models, the arm's feedback source as a labeller (when the arm has its own), its own seed,
 * metrics sink and checkpoints.
 */
final class RoundContext implements ArmContext {
    private final RunContext run;
    private final String arm;
    private final ArmRound round;
    private final TrainingLoop.MetricsSink sink;
    private final TransformerWeights policy;
    private final List<LabelledPair> preferences;
    private final Optional<RewardFunction> rewards;
    private final Optional<PairLabeller> labeller;
    private final ArmModels models;
    private final GoldMonitor monitor;

    RoundContext(RunContext run, String arm, ArmRound round, TrainingLoop.MetricsSink sink, TransformerWeights policy,
            List<LabelledPair> preferences, Optional<RewardFunction> rewards, Optional<PairLabeller> labeller, ArmModels models,
            GoldMonitor monitor) {
        this.run = requireNonNull(run, "run is null");
        this.arm = requireNonNull(arm, "arm is null");
        this.round = requireNonNull(round, "round is null");
        this.sink = requireNonNull(sink, "sink is null");
        this.policy = requireNonNull(policy, "policy is null");
        this.preferences = List.copyOf(preferences);
        this.rewards = requireNonNull(rewards, "rewards is null");
        this.labeller = requireNonNull(labeller, "labeller is null");
        this.models = requireNonNull(models, "models is null");
        this.monitor = requireNonNull(monitor, "monitor is null");
    }

    @Override
    public String arm() {
        return arm;
    }

    @Override
    public TransformerWeights policy() {
        return policy;
    }

    @Override
    public TransformerWeights reference() {
        return run.reference();
    }

    @Override
    public SequenceEncoder encoder() {
        return run.encoder();
    }

    @Override
    public List<String> trainPrompts() {
        return run.task().prompts(Split.TRAIN);
    }

    @Override
    public List<LabelledPair> preferences() {
        return preferences;
    }

    @Override
    public Optional<RewardFunction> rewards() {
        return rewards;
    }

    @Override
    public Optional<PairLabeller> labeller() {
        return labeller;
    }

    @Override
    public Optional<TransformerWeights> rewardModel() {
        return models.reward().map(m -> m.members().get(0));
    }

    @Override
    public Optional<TransformerWeights> costModel() {
        return models.cost().map(m -> m.members().get(0));
    }

    @Override
    public GoldMonitor goldMonitor() {
        return monitor;
    }

    @Override
    public long seed() {
        return Seeds.derive(round.seed(), "algorithm");
    }

    @Override
    public int workers() {
        return run.workers();
    }

    @Override
    public boolean resume() {
        return run.resume();
    }

    @Override
    public ProgressListener progress() {
        return run.progress();
    }

    @Override
    public TrainingLoop.MetricsSink metrics() {
        return sink;
    }

    @Override
    public CheckpointStore checkpoints(String phase) throws IOException {
        return run.run().armCheckpoints(arm, round.phase(phase));
    }

    @Override
    public String configJson() {
        return run.configJson();
    }

    @Override
    public PrintWriter log() {
        return run.log();
    }
}
