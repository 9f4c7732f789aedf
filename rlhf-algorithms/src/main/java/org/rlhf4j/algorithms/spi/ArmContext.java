package org.rlhf4j.algorithms.spi;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;
import org.rlhf4j.algorithms.preference.LabelledPair;
import org.rlhf4j.algorithms.preference.PairLabeller;
import org.rlhf4j.algorithms.reward.RewardFunction;
import org.rlhf4j.engine.checkpoint.CheckpointStore;
import org.rlhf4j.engine.model.TransformerWeights;
import org.rlhf4j.engine.tokenizer.SequenceEncoder;
import org.rlhf4j.engine.train.ProgressListener;
import org.rlhf4j.engine.train.TrainingLoop;

/**
 * What the experiment hands an arm's algorithm. An interface so that it can grow (a new service is a new
 * method) without breaking algorithms.
 */
public interface ArmContext {
    /** The arm's name. */
    String arm();

    /** The policy to train, a trainable copy of the SFT policy. */
    TransformerWeights policy();

    /** The frozen SFT policy: the reference of KL penalties and DPO. */
    TransformerWeights reference();

    /** Encodes prompts and responses as the models read them. */
    SequenceEncoder encoder();

    /** The task's TRAIN prompts (online algorithms sample their rollouts on them). */
    List<String> trainPrompts();

    /** The arm's training preferences (empty for an arm without feedback pairs). */
    List<LabelledPair> preferences();

    /** The reward seam of the arm (its reward model, a scoring source, ...), when it has one. */
    Optional<RewardFunction> rewards();

    /** The arm's trained reward model (its first member when an ensemble), from which a critic may start. */
    default Optional<TransformerWeights> rewardModel() {
        return Optional.empty();
    }

    /** The arm's trained cost model (its first member), from which a cost critic may start. */
    default Optional<TransformerWeights> costModel() {
        return Optional.empty();
    }

    /**
     * The arm's own feedback source as a labeller of fresh comparisons while the algorithm trains (online DPO: the source
     * in the loop, not only before it), when the arm has one; its labels count in the arm's budget when the algorithm
     * reports them ({@link ArmTraining#labels()}). Empty by default, and for an arm that reuses another arm's preferences.
     */
    default Optional<PairLabeller> labeller() {
        return Optional.empty();
    }

    /** Measures the policy against gold beside its proxy reward on held-out prompts (over-optimisation). */
    default GoldMonitor goldMonitor() {
        return GoldMonitor.NONE;
    }

    /** A seed derived from the experiment seed and the arm. */
    long seed();

    /** Data-parallel shards (and threads) of a training step. */
    int workers();

    /** True when the run continues an interrupted one (resume from the arm's checkpoints). */
    boolean resume();

    /** Told after every training step. */
    ProgressListener progress();

    /** Where training metrics lines go. */
    TrainingLoop.MetricsSink metrics();

    /** The checkpoint store of one of the arm's phases. */
    CheckpointStore checkpoints(String phase) throws IOException;

    /** The run's config as JSON, stored in checkpoints. */
    String configJson();

    /** Progress messages. */
    PrintWriter log();
}
