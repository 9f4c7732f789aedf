package org.rlhf4j.algorithms.direct;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.rlhf4j.algorithms.loss.PreferenceLoss;
import org.rlhf4j.algorithms.preference.LabelledPair;
import org.rlhf4j.algorithms.spi.ArmContext;
import org.rlhf4j.algorithms.spi.ArmTraining;
import org.rlhf4j.algorithms.spi.Optimizers;
import org.rlhf4j.algorithms.spi.PolicyAlgorithm;
import org.rlhf4j.engine.optim.AdamW;
import org.rlhf4j.engine.tokenizer.SequenceEncoder.Encoded;
import org.rlhf4j.engine.train.DataOrder;
import org.rlhf4j.engine.train.TrainingLoop;

/**
 * An offline preference algorithm: a {@link PreferenceLoss} (DPO's, or a plugin's) trained on the arm's preferences,
 * with the frozen SFT policy as the reference. The pairs that are not ties, chosen and rejected encoded as
 * {@code <bos> prompt response <eos>}; the reference's log-probs computed once when the loss reads them; then
 * {@code epochs} passes of AdamW steps ({@link PreferenceStep}) in a seeded order, checkpointed (under the algorithm's
 * phase) and resumable. Its metrics lines hold the loss's logged parts beside the phase's loss and learning rate.
 */
public final class PreferenceAlgorithm implements PolicyAlgorithm {
    private final String phase;
    private final PreferenceLoss loss;
    private final PreferenceTraining training;

    /**
     * @param phase the algorithm's phase: its checkpoints' folder and its metrics' prefix (e.g. {@code dpo})
     * @param loss the loss
     * @param training how it trains
     */
    public PreferenceAlgorithm(String phase, PreferenceLoss loss, PreferenceTraining training) {
        this.phase = requireNonNull(phase, "phase is null");
        this.loss = requireNonNull(loss, "loss is null");
        this.training = requireNonNull(training, "training is null");
    }

    @Override
    public Input input() {
        return Input.PREFERENCES;
    }

    @Override
    public ArmTraining train(ArmContext context) throws IOException {
        List<Encoded[]> pairs = new ArrayList<>();
        for (LabelledPair pair : context.preferences()) {
            if (!pair.tie()) {
                pairs.add(new Encoded[] {context.encoder().encode(pair.prompt(), pair.chosen()),
                        context.encoder().encode(pair.prompt(), pair.rejected())});
            }
        }
        int batch = Math.min(training.batchSize(), pairs.size());
        if (batch < 1) {
            throw new IllegalStateException("arm '" + context.arm() + "': no preference without a tie to train " + phase + " on");
        }
        DataOrder order = new DataOrder(pairs.size(), batch, context.seed() ^ 0xD90L);
        int steps = training.epochs() * order.stepsPerEpoch();
        context.log().printf("Arm %s: %s on %d pairs, %d steps of %d pairs%n", context.arm(), loss.describe(), pairs.size(), steps,
                batch);
        context.log().flush();
        double[][] reference = loss.needsReference()
                ? PreferenceStep.referenceLogProbs(context.reference(), pairs, batch, context.workers())
                : PreferenceStep.noReference(pairs.size());
        AdamW optimizer = new AdamW(context.policy(), Optimizers.adamW(training.optimizer(), steps));
        try (PreferenceStep step = new PreferenceStep(context.policy(), pairs, reference, loss, batch, context.workers(),
                optimizer.gradientBuffers())) {
            TrainingLoop loop = new TrainingLoop(context.policy(), optimizer, step.gradients(), order,
                    new TrainingLoop.Options(context.arm(), phase, steps, training.logEvery(), training.checkpointEvery(), 20),
                    context.metrics(), context.checkpoints(phase), context.configJson()).onStep(context.progress());
            TrainingLoop.Result result = loop.run(context.resume(), step);
            return new ArmTraining(result.steps(), result.skippedSteps(), result.seconds());
        }
    }
}
