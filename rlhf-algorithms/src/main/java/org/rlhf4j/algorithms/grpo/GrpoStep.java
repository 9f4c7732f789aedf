package org.rlhf4j.algorithms.grpo;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.rlhf4j.algorithms.loss.GroupPolicyLoss;
import org.rlhf4j.algorithms.rollout.ResponseBatch;
import org.rlhf4j.engine.model.LmLoss;
import org.rlhf4j.engine.model.ShardedBackprop;
import org.rlhf4j.engine.model.TransformerWeights;
import org.rlhf4j.engine.tokenizer.SequenceEncoder.Encoded;

/**
 * One policy update of GRPO/RLOO on a batch of rollouts ({@code groups * k} sequences, a group's {@code k} rows
 * kept in one shard): the reference's response-token log-probs by a forward-only pass over the same rows, then
 * the policy's forward pass, {@link GroupPolicyLoss} per shard and its gradient at the logits
 * ({@code (softmax - onehot) * -dLoss/dlogp} for each response token), and the backward pass, on the
 * data-parallel hand-written path.
 */
public final class GrpoStep implements AutoCloseable {
    private final int rows;
    private final int width;
    private final ShardedBackprop policyPass;
    private final ShardedBackprop referencePass;

    /** What a step computed. */
    public record Result(double loss, double kl) {}

    /**
     * @param policy the policy (trained in place)
     * @param reference the frozen reference
     * @param rows sequences per step ({@code groups * k})
     * @param k sequences per group
     * @param workers data-parallel shards
     * @param gradientBuffers where the policy's gradients go (the optimizer's buffers)
     */
    public GrpoStep(TransformerWeights policy, TransformerWeights reference, int rows, int k, int workers,
            Map<String, INDArray> gradientBuffers) {
        requireNonNull(policy, "policy is null");
        requireNonNull(reference, "reference is null");
        this.rows = rows;
        this.width = policy.config().maxSeqLen() - 1;
        this.policyPass = new ShardedBackprop(policy, rows, width, workers, k, gradientBuffers);
        this.referencePass = new ShardedBackprop(reference, rows, width, workers, k, Map.of());
    }

    /** The gradients each step leaves, by parameter name. */
    public Map<String, INDArray> gradients() {
        return policyPass.gradients();
    }

    /**
     * Computes the loss of {@code sequences} (prompt and response tokens; the response is what the policy
     * sampled) with their advantages and token weights, and leaves the gradient in {@link #gradients()}.
     */
    public Result compute(List<Encoded> sequences, double[] advantages, double[] weights, double beta) {
        if (sequences.size() != rows || advantages.length != rows || weights.length != rows) {
            throw new IllegalArgumentException("a step takes " + rows + " sequences, advantages and weights");
        }
        ResponseBatch batch = new ResponseBatch(sequences, width);
        int[][] ids = batch.ids();
        int[][] targets = batch.targets();
        float[][] mask = batch.mask();
        double[][] ref = new double[rows][];
        referencePass.forward(ids, shard -> {
            double[] tokens = LmLoss.tokenLogProbs(shard.logits(), Arrays.copyOfRange(targets, shard.fromRow(), shard.toRow()),
                    Arrays.copyOfRange(mask, shard.fromRow(), shard.toRow()), shard.dLogits()); // forward only: no gradient
            for (int r = shard.fromRow(); r < shard.toRow(); r++) {
                ref[r] = batch.responseValues(tokens, shard.fromRow(), r);
            }
            return 0;
        });
        double[] kl = new double[rows];
        double loss = policyPass.lossAndGradients(ids, shard -> {
            int from = shard.fromRow();
            int to = shard.toRow();
            INDArray dLogits = shard.dLogits();
            double[] tokens = LmLoss.tokenLogProbsAndGradient(shard.logits(), Arrays.copyOfRange(targets, from, to),
                    Arrays.copyOfRange(mask, from, to), dLogits);
            double[][] logp = new double[to - from][];
            for (int r = from; r < to; r++) {
                logp[r - from] = batch.responseValues(tokens, from, r);
            }
            GroupPolicyLoss.Result part = GroupPolicyLoss.compute(logp, Arrays.copyOfRange(ref, from, to),
                    Arrays.copyOfRange(advantages, from, to), Arrays.copyOfRange(weights, from, to), beta);
            for (int r = from; r < to; r++) {
                for (int t = 0; t < logp[r - from].length; t++) {
                    kl[r] += GroupPolicyLoss.k3(logp[r - from][t], ref[r][t]);
                }
            }
            LmLoss.chainTokenLogProbGradient(dLogits, batch.flat(part.dLogp(), from, to));
            return part.loss();
        });
        double klSum = 0;
        long tokenCount = 0;
        for (int r = 0; r < rows; r++) {
            klSum += kl[r];
            tokenCount += ref[r].length;
        }
        return new Result(loss, tokenCount > 0 ? klSum / tokenCount : 0);
    }

    @Override
    public void close() {
        policyPass.close();
        referencePass.close();
    }
}
