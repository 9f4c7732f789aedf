package org.rlhf4j.algorithms.direct;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.rlhf4j.algorithms.loss.KtoLoss;
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
 * An offline preference algorithm: a {@link PreferenceLoss} (DPO's, SimPO's, ORPO's, a plugin's), or KTO's loss on the
 * pairs as desirable and undesirable examples ({@link #kto}), trained on the arm's preferences with the frozen SFT policy
 * as the reference. The pairs that are not ties, chosen and rejected encoded as {@code <bos> prompt response <eos>}; the
 * reference's log-probs computed once when the loss reads them; then {@code epochs} passes of AdamW steps
 * ({@link PreferenceStep}, {@link KtoStep}) in a seeded order, checkpointed (under the algorithm's phase) and resumable.
 * Its metrics lines hold the loss's logged parts beside the phase's loss and learning rate.
 */
public final class PreferenceAlgorithm implements PolicyAlgorithm {
    private final String phase;
    private final PreferenceLoss loss;
    private final KtoLoss kto;
    private final PreferenceTraining training;

    /**
     * @param phase the algorithm's phase: its checkpoints' folder and its metrics' prefix (e.g. {@code dpo})
     * @param loss the loss
     * @param training how it trains
     */
    public PreferenceAlgorithm(String phase, PreferenceLoss loss, PreferenceTraining training) {
        this(phase, requireNonNull(loss, "loss is null"), null, training);
    }

    private PreferenceAlgorithm(String phase, PreferenceLoss loss, KtoLoss kto, PreferenceTraining training) {
        this.phase = requireNonNull(phase, "phase is null");
        this.loss = loss;
        this.kto = kto;
        this.training = requireNonNull(training, "training is null");
    }

    /** KTO on the arm's pairs (chosen desirable, rejected undesirable), its reference point from mismatched examples. */
    public static PreferenceAlgorithm kto(String phase, KtoLoss loss, PreferenceTraining training) {
        return new PreferenceAlgorithm(phase, null, requireNonNull(loss, "loss is null"), training);
    }

    @Override
    public Input input() {
        return Input.PREFERENCES;
    }

    @Override
    public ArmTraining train(ArmContext context) throws IOException {
        List<LabelledPair> labelled = new ArrayList<>();
        List<Encoded[]> pairs = new ArrayList<>();
        for (LabelledPair pair : context.preferences()) {
            if (!pair.tie()) {
                labelled.add(pair);
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
        context.log().printf("Arm %s: %s on %d pairs, %d steps of %d pairs%n", context.arm(), kto != null ? kto.describe()
                : loss.describe(), pairs.size(), steps, batch);
        context.log().flush();
        boolean reads = kto != null || loss.needsReference();
        double[][] reference = reads ? PreferenceStep.referenceLogProbs(context.reference(), pairs, batch, context.workers())
                : PreferenceStep.noReference(pairs.size());
        AdamW optimizer = new AdamW(context.policy(), Optimizers.adamW(training.optimizer(), steps));
        try (PairStep step = step(context, labelled, pairs, reference, batch, optimizer.gradientBuffers())) {
            TrainingLoop loop = new TrainingLoop(context.policy(), optimizer, step.gradients(), order,
                    new TrainingLoop.Options(context.arm(), phase, steps, training.logEvery(), training.checkpointEvery(), 20),
                    context.metrics(), context.checkpoints(phase), context.configJson()).onStep(context.progress());
            TrainingLoop.Result result = loop.run(context.resume(), step);
            return new ArmTraining(result.steps(), result.skippedSteps(), result.seconds());
        }
    }

    private PairStep step(ArmContext context, List<LabelledPair> labelled, List<Encoded[]> pairs, double[][] reference, int batch,
            Map<String, INDArray> buffers) {
        if (kto == null) {
            return new PreferenceStep(context.policy(), pairs, reference, loss, batch, context.workers(), buffers);
        }
        List<Encoded[]> mismatched = KtoStep.mismatched(labelled, context.encoder());
        double[][] mismatchedReference = PreferenceStep.referenceLogProbs(context.reference(), mismatched, batch, context.workers());
        return new KtoStep(context.policy(), pairs, reference, mismatched, mismatchedReference, kto, batch, context.workers(), buffers);
    }
}
