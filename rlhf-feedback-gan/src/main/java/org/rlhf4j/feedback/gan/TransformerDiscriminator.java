package org.rlhf4j.feedback.gan;

import static java.util.Objects.requireNonNull;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.rlhf4j.api.feedback.Completion;
import org.rlhf4j.engine.model.Heads;
import org.rlhf4j.engine.model.PolicyBackbone;
import org.rlhf4j.engine.model.ScalarScorer;
import org.rlhf4j.engine.model.TransformerWeights;
import org.rlhf4j.engine.optim.AdamW;
import org.rlhf4j.engine.optim.GradClip;
import org.rlhf4j.engine.optim.LrSchedule;
import org.rlhf4j.engine.random.Rng;
import org.rlhf4j.engine.tokenizer.SequenceEncoder;
import org.rlhf4j.engine.tokenizer.SequenceEncoder.Encoded;

/**
 * The RLGAF discriminator network: the policy's transformer backbone (copied from the SFT policy, or random) with a
 * scalar head read at the last response token of {@code <bos> prompt response <eos>}, so it judges a response in the
 * context of its prompt, as the reward model does. Trained by AdamW (constant learning rate, betas 0.9/0.95, decoupled
 * weight decay, gradient clipping) on {@link DiscriminatorStep}, the engine's data-parallel path.
 */
final class TransformerDiscriminator implements Discriminator {
    private final TransformerWeights weights;
    private final SequenceEncoder encoder;
    private final AdamW optimizer;
    private final DiscriminatorStep step;
    private final ScalarScorer scorer;
    private final double logitL2;
    private boolean computed;

    /**
     * @param backbone the engine's SFT policy and encoder
     * @param config the source's settings ({@code init}, {@code lr}, {@code weight_decay}, {@code logit_l2},
     *     {@code max_grad_norm}, {@code batch_size})
     * @param seed the seed of a fresh head (and of fresh weights with {@code init: scratch})
     */
    TransformerDiscriminator(PolicyBackbone backbone, GanDiscriminatorConfig config, long seed) {
        requireNonNull(backbone, "backbone is null");
        requireNonNull(config, "config is null");
        Rng rng = new Rng(seed);
        this.weights = config.init() == GanDiscriminatorConfig.Init.SFT ? backbone.sft().withHeads(Heads.SCALAR, rng)
                : TransformerWeights.init(backbone.sft().config(), Heads.SCALAR, rng);
        this.encoder = backbone.encoder();
        this.optimizer = new AdamW(weights, new AdamW.Config(LrSchedule.constant(config.lr()), 0.9, 0.95, 1e-8,
                config.weightDecay(), config.maxGradNorm()));
        this.step = new DiscriminatorStep(weights, config.batchSize(), backbone.workers(), optimizer.gradientBuffers());
        this.scorer = new ScalarScorer(encoder, false, backbone.workers());
        this.logitL2 = config.logitL2();
    }

    /** The network's weights (for tests). */
    TransformerWeights weights() {
        return weights;
    }

    @Override
    public double[] logits(List<Completion> completions) {
        return completions.isEmpty() ? new double[0] : scorer.score(weights, completions);
    }

    @Override
    public Step computeStep(List<Completion> batch, double[] targets) {
        List<Encoded> sequences = new ArrayList<>(batch.size());
        for (Completion completion : batch) {
            sequences.add(encoder.encode(completion.prompt(), completion.response()));
        }
        DiscriminatorStep.Result result = step.compute(sequences, targets, logitL2);
        double norm = GradClip.globalNorm(step.gradients().values());
        computed = true;
        return new Step(Double.isFinite(norm) ? result.loss() : Double.NaN, result.logits());
    }

    @Override
    public void update() {
        if (!computed) {
            throw new IllegalStateException("no step computed since the last update");
        }
        optimizer.update(step.gradients());
        computed = false;
    }

    @Override
    public void write(DataOutputStream out) throws IOException {
        writeArrays(out, weights.asMap());
        writeArrays(out, optimizer.exportArrays());
        out.writeLong(optimizer.step());
    }

    @Override
    public void read(DataInputStream in) throws IOException {
        Map<String, INDArray> params = readArrays(in);
        if (!params.keySet().equals(weights.asMap().keySet())) {
            throw new IOException("a discriminator of another shape: " + params.keySet());
        }
        weights.assign(TransformerWeights.of(weights.config(), weights.heads(), params));
        Map<String, INDArray> moments = readArrays(in);
        optimizer.importState(moments, in.readLong());
        computed = false;
    }

    private static void writeArrays(DataOutputStream out, Map<String, INDArray> arrays) throws IOException {
        out.writeInt(arrays.size());
        for (Map.Entry<String, INDArray> e : arrays.entrySet()) {
            out.writeUTF(e.getKey());
            long[] shape = e.getValue().shape();
            out.writeInt(shape.length);
            for (long size : shape) {
                out.writeLong(size);
            }
            float[] values = e.getValue().dup('c').reshape(e.getValue().length()).toFloatVector();
            out.writeInt(values.length);
            for (float value : values) {
                out.writeFloat(value);
            }
        }
    }

    private Map<String, INDArray> readArrays(DataInputStream in) throws IOException {
        Map<String, INDArray> out = new LinkedHashMap<>();
        for (int n = in.readInt(); n > 0; n--) {
            String name = in.readUTF();
            long[] shape = new long[in.readInt()];
            for (int i = 0; i < shape.length; i++) {
                shape[i] = in.readLong();
            }
            float[] values = new float[in.readInt()];
            for (int i = 0; i < values.length; i++) {
                values[i] = in.readFloat();
            }
            out.put(name, Nd4j.createFromArray(values).reshape('c', shape).castTo(weights.dataType()).dup('c'));
        }
        return out;
    }

    @Override
    public void close() {
        step.close();
        scorer.close();
    }
}
