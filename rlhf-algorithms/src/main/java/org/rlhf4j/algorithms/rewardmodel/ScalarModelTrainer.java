package org.rlhf4j.algorithms.rewardmodel;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import org.rlhf4j.api.config.RewardModelConfig;
import org.rlhf4j.engine.checkpoint.CheckpointStore;
import org.rlhf4j.engine.model.Heads;
import org.rlhf4j.engine.model.TransformerWeights;
import org.rlhf4j.engine.optim.AdamW;
import org.rlhf4j.engine.optim.LrSchedule;
import org.rlhf4j.engine.random.Rng;
import org.rlhf4j.engine.train.DataOrder;
import org.rlhf4j.engine.train.ProgressListener;
import org.rlhf4j.engine.train.TrainingLoop;

/**
 * Trains a reward or cost model (an ensemble of {@code ensemble} members) on pairs: each member is the SFT
 * backbone (or fresh weights) with a new scalar head, trained with AdamW for {@code epochs} over the pairs in
 * its own data order, on the data-parallel path ({@link ScalarModelStep}), checkpointed per member.
 */
public final class ScalarModelTrainer {
    /** Where checkpoint stores come from: one per phase name. */
    @FunctionalInterface
    public interface Stores {
        CheckpointStore open(String phase) throws IOException;
    }

    /**
     * Everything a training run needs besides the model's own settings.
     *
     * @param arm the arm's name
     * @param phase {@code reward_model} or {@code cost_model}: the metric prefix and checkpoint name of the first
     *     member ({@code <phase>.<k>} for member {@code k > 0})
     * @param seed the phase's seed (head initialisation and data order)
     * @param workers data-parallel shards
     * @param resume continue from checkpoints
     * @param metrics metrics sink
     * @param stores checkpoint stores
     * @param configJson the run's config for checkpoints
     * @param log progress messages
     * @param progress told after every step
     */
    public record Setting(String arm, String phase, long seed, int workers, boolean resume, TrainingLoop.MetricsSink metrics,
            Stores stores, String configJson, PrintWriter log, ProgressListener progress) {
        public Setting {
            requireNonNull(arm, "arm is null");
            requireNonNull(phase, "phase is null");
            requireNonNull(metrics, "metrics is null");
            requireNonNull(stores, "stores is null");
            requireNonNull(configJson, "configJson is null");
            requireNonNull(log, "log is null");
            requireNonNull(progress, "progress is null");
        }
    }

    private ScalarModelTrainer() {}

    /**
     * Trains the ensemble. Member {@code k} logs as phase {@code <phase>} ({@code k = 0}) or {@code <phase>.<k>} and
     * checkpoints under the same name.
     *
     * @param sft the SFT policy (its backbone starts each member unless {@code init: scratch})
     * @return the trained members
     */
    public static List<TransformerWeights> train(TransformerWeights sft, List<ScalarPair> pairs, RewardModelConfig config,
            PairObjective objective, Setting setting) throws IOException {
        int batch = Math.min(config.batchSize(), pairs.size());
        if (batch < 1) {
            throw new IllegalArgumentException("arm '" + setting.arm() + "': no pairs to train the " + setting.phase() + " on");
        }
        List<TransformerWeights> members = new ArrayList<>();
        for (int k = 0; k < config.ensemble(); k++) {
            String phase = k == 0 ? setting.phase() : setting.phase() + "." + k;
            long seed = setting.seed() * 31 + k;
            Rng rng = new Rng(seed);
            TransformerWeights model = config.init() == RewardModelConfig.Init.SFT ? sft.withHeads(Heads.SCALAR, rng)
                    : TransformerWeights.init(sft.config(), Heads.SCALAR, rng);
            DataOrder order = new DataOrder(pairs.size(), batch, seed ^ 0xD47AL);
            int steps = config.epochs() * order.stepsPerEpoch();
            AdamW optimizer = new AdamW(model, new AdamW.Config(new LrSchedule(config.lr(), Math.min(config.warmup(), steps), steps, 0.1),
                    0.9, 0.95, 1e-8, config.weightDecay(), config.maxGradNorm()));
            try (ScalarModelStep step = new ScalarModelStep(model, pairs, objective, phase, batch, setting.workers(),
                    optimizer.gradientBuffers(), config.pooling() == RewardModelConfig.Pooling.MEAN)) {
                TrainingLoop loop = new TrainingLoop(model, optimizer, step.gradients(), order,
                        new TrainingLoop.Options(setting.arm(), phase, steps, config.logEvery(), Math.max(steps / 4, 1), 20),
                        setting.metrics(), setting.stores().open(phase), setting.configJson()).onStep(setting.progress());
                TrainingLoop.Result result = loop.run(setting.resume(), step);
                setting.log().printf("Arm %s: %s trained, %d steps on %d pairs (from step %d, %.1f s, last loss %.4f)%n",
                        setting.arm(), phase, result.steps(), pairs.size(), result.resumedFrom(), result.seconds(), result.lastLoss());
                setting.log().flush();
            }
            members.add(model);
        }
        return members;
    }
}
