package org.rlhf4j.algorithms.dpo;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.rlhf4j.algorithms.preference.LabelledPair;
import org.rlhf4j.algorithms.spi.ArmContext;
import org.rlhf4j.algorithms.spi.ArmTraining;
import org.rlhf4j.algorithms.spi.PolicyAlgorithm;
import org.rlhf4j.engine.optim.AdamW;
import org.rlhf4j.engine.optim.LrSchedule;
import org.rlhf4j.engine.tokenizer.SequenceEncoder.Encoded;
import org.rlhf4j.engine.train.DataOrder;
import org.rlhf4j.engine.train.TrainingLoop;

/**
 * DPO, IPO and cDPO on the arm's preferences, with the frozen SFT policy as the reference: the pairs that
 * are not ties, chosen and rejected encoded as {@code <bos> prompt response <eos>}, the reference's log-probs
 * computed once, then {@code epochs} passes of AdamW steps ({@link DpoStep}) in a seeded order, checkpointed
 * (phase {@code dpo}) and resumable.
 */
public final class DpoAlgorithm implements PolicyAlgorithm {
    static final String PHASE = "dpo";

    private final DpoConfig config;

    public DpoAlgorithm(DpoConfig config) {
        this.config = requireNonNull(config, "config is null");
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
        int batch = Math.min(config.batchSize(), pairs.size());
        if (batch < 1) {
            throw new IllegalStateException("arm '" + context.arm() + "': no preference without a tie to train DPO on");
        }
        DataOrder order = new DataOrder(pairs.size(), batch, context.seed() ^ 0xD90L);
        int steps = config.epochs() * order.stepsPerEpoch();
        context.log().printf("Arm %s: %s (beta %.3g) on %d pairs, %d steps of %d pairs%n", context.arm(),
                config.lossType() == org.rlhf4j.algorithms.loss.DpoLoss.Type.IPO ? "IPO" : "DPO", config.beta(), pairs.size(), steps,
                batch);
        context.log().flush();
        double[][] reference = DpoStep.referenceLogProbs(context.reference(), pairs, batch, context.workers());
        AdamW optimizer = new AdamW(context.policy(), new AdamW.Config(
                new LrSchedule(config.lr(), Math.min(config.warmup(), steps), steps, 0.1), 0.9, 0.95, 1e-8, config.weightDecay(),
                config.maxGradNorm()));
        try (DpoStep step = new DpoStep(context.policy(), pairs, reference, config.lossType(), config.beta(), config.labelSmoothing(),
                batch, context.workers(), optimizer.gradientBuffers())) {
            TrainingLoop loop = new TrainingLoop(context.policy(), optimizer, step.gradients(), order,
                    new TrainingLoop.Options(context.arm(), PHASE, steps, config.logEvery(), config.checkpointEvery(), 20),
                    context.metrics(), context.checkpoints(PHASE), context.configJson()).onStep(context.progress());
            TrainingLoop.Result result = loop.run(context.resume(), step);
            return new ArmTraining(result.steps(), result.skippedSteps(), result.seconds());
        }
    }
}
