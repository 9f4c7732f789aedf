package org.rlhf4j.feedback.gan;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.rlhf4j.engine.model.ScalarHead;
import org.rlhf4j.engine.model.ShardedBackprop;
import org.rlhf4j.engine.model.TransformerWeights;
import org.rlhf4j.engine.tokenizer.SequenceEncoder.Encoded;

/**
 * One gradient computation of a discriminator (a transformer with a scalar head whose output is the logit of
 * "real"): the scalar head read at each sequence's last response token ({@link Encoded#last()}, as the reward model
 * reads it), {@link DiscriminatorLoss} against each row's target, and the gradient back through head and backbone on
 * the data-parallel hand-written path ({@link ShardedBackprop}). The caller applies its optimizer.
 */
public final class DiscriminatorStep implements AutoCloseable {
    private final TransformerWeights weights;
    private final int rows;
    private final int width;
    private final ShardedBackprop backprop;

    /** What a step computed: the loss, the logits before the update, and the loss's metrics. */
    public record Result(double loss, double[] logits, DiscriminatorLoss.Result parts) {}

    /**
     * @param weights a model with a scalar head (read; the caller's optimizer updates it)
     * @param rows sequences per step
     * @param workers data-parallel shards
     * @param gradientBuffers where gradients go (the optimizer's buffers)
     */
    public DiscriminatorStep(TransformerWeights weights, int rows, int workers, Map<String, INDArray> gradientBuffers) {
        this.weights = requireNonNull(weights, "weights is null");
        if (!weights.heads().hasScalar()) {
            throw new IllegalArgumentException("a discriminator needs a scalar head");
        }
        this.rows = rows;
        this.width = weights.config().maxSeqLen();
        this.backprop = new ShardedBackprop(weights, rows, width, workers, 1, gradientBuffers);
    }

    /** The gradients each step leaves, by parameter name. */
    public Map<String, INDArray> gradients() {
        return backprop.gradients();
    }

    /** Computes the loss of {@code sequences} against {@code targets} and leaves its gradient in {@link #gradients()}. */
    public Result compute(List<Encoded> sequences, double[] targets, double logitL2) {
        if (sequences.size() != rows || targets.length != rows) {
            throw new IllegalArgumentException("a step takes " + rows + " sequences and targets, got " + sequences.size()
                    + " and " + targets.length);
        }
        int[][] ids = new int[rows][];
        int[] last = new int[rows];
        for (int r = 0; r < rows; r++) {
            int[] tokens = sequences.get(r).tokens();
            if (tokens.length > width) {
                throw new IllegalArgumentException("a sequence of " + tokens.length + " tokens does not fit " + width + " columns");
            }
            ids[r] = Arrays.copyOf(tokens, width);
            last[r] = sequences.get(r).last();
        }
        double[] logits = new double[rows];
        double loss = backprop.lossAndGradients(ids, false, shard -> {
            int from = shard.fromRow();
            int to = shard.toRow();
            int[] at = Arrays.copyOfRange(last, from, to);
            double[] z = ScalarHead.forward(shard.hidden(), at, width, weights);
            System.arraycopy(z, 0, logits, from, z.length);
            DiscriminatorLoss.Result part = DiscriminatorLoss.compute(z, Arrays.copyOfRange(targets, from, to), logitL2, rows);
            ScalarHead.backward(shard.hidden(), at, width, part.dLogits(), weights, shard.dHidden(), shard.dHeadW(), shard.dHeadB());
            return part.loss();
        });
        return new Result(loss, logits, DiscriminatorLoss.compute(logits, targets, logitL2, rows));
    }

    @Override
    public void close() {
        backprop.close();
    }
}
