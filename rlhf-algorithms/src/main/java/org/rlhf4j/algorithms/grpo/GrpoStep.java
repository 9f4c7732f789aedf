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
 * The passes of one GRPO-family update on a batch of rollouts ({@code groups * k} sequences, a group's {@code k} rows kept
 * in one shard), on the data-parallel hand-written path: the response-token log-probs of the frozen reference
 * ({@link #referenceLogProbs}) or of the policy ({@link #policyLogProbs}, for REINFORCE++'s KL-shaped rewards) by
 * forward-only passes, and {@link #update}: the policy's forward pass, {@link GroupPolicyLoss} per shard and its gradient at
 * the logits ({@code (softmax - onehot) * -dLoss/dlogp} for each response token), and the backward pass.
 */
public final class GrpoStep implements AutoCloseable {
    private final int rows;
    private final int width;
    private final ShardedBackprop policyPass;
    private final ShardedBackprop referencePass;
    private final TransformerWeights policy;
    private final int k;
    private final int workers;
    private ShardedBackprop policyForward;

    /**
     * What an update computed.
     *
     * @param loss the loss
     * @param logp the policy's response-token log-probs in this pass (the old log-probs of later passes over the batch)
     * @param losses the loss's parts, summed over the shards ({@link GroupPolicyLoss.Result#metrics()})
     */
    public record Result(double loss, double[][] logp, GroupPolicyLoss.Result losses) {
        /** The mean k3 KL to the reference per response token. */
        public double kl() {
            return losses.metrics().get("kl");
        }
    }

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
        this.policy = requireNonNull(policy, "policy is null");
        requireNonNull(reference, "reference is null");
        this.rows = rows;
        this.k = k;
        this.workers = workers;
        this.width = policy.config().maxSeqLen() - 1;
        this.policyPass = new ShardedBackprop(policy, rows, width, workers, k, gradientBuffers);
        this.referencePass = new ShardedBackprop(reference, rows, width, workers, k, Map.of());
    }

    /** The gradients each update leaves, by parameter name. */
    public Map<String, INDArray> gradients() {
        return policyPass.gradients();
    }

    /** The frozen reference's log-prob of every response token of {@code sequences}, {@code [sequence][token]}. */
    public double[][] referenceLogProbs(List<Encoded> sequences) {
        return forward(referencePass, sequences);
    }

    /** The policy's log-prob of every response token of {@code sequences}, forward only (no gradient). */
    public double[][] policyLogProbs(List<Encoded> sequences) {
        if (policyForward == null) {
            policyForward = new ShardedBackprop(policy, rows, width, workers, k, Map.of());
        }
        return forward(policyForward, sequences);
    }

    private double[][] forward(ShardedBackprop pass, List<Encoded> sequences) {
        ResponseBatch batch = batch(sequences);
        int[][] targets = batch.targets();
        float[][] mask = batch.mask();
        double[][] out = new double[rows][];
        pass.forward(batch.ids(), shard -> {
            double[] tokens = LmLoss.tokenLogProbs(shard.logits(), Arrays.copyOfRange(targets, shard.fromRow(), shard.toRow()),
                    Arrays.copyOfRange(mask, shard.fromRow(), shard.toRow()), shard.dLogits()); // forward only: no gradient
            for (int r = shard.fromRow(); r < shard.toRow(); r++) {
                out[r] = batch.responseValues(tokens, shard.fromRow(), r);
            }
            return 0;
        });
        return out;
    }

    private ResponseBatch batch(List<Encoded> sequences) {
        if (sequences.size() != rows) {
            throw new IllegalArgumentException("a step takes " + rows + " sequences, got " + sequences.size());
        }
        return new ResponseBatch(sequences, width);
    }

    /**
     * Computes the loss of {@code sequences} (prompt and response tokens; the response is what the policy sampled) and
     * leaves its gradient in {@link #gradients()}.
     *
     * @param old the response-token log-probs of the policy that sampled them; null on the first pass over a batch,
     *     whose own log-probs are then the old ones (the ratio is exactly 1)
     * @param ref the reference's ({@link #referenceLogProbs})
     * @param advantages per response token
     * @param weights the token weight of each sequence ({@link GroupPolicyLoss#tokenWeights})
     */
    public Result update(List<Encoded> sequences, double[][] old, double[][] ref, double[][] advantages, double[] weights,
            GroupPolicyLoss.Settings settings) {
        if (advantages.length != rows || weights.length != rows || ref.length != rows || (old != null && old.length != rows)) {
            throw new IllegalArgumentException("a step takes " + rows + " sequences, advantages, weights and log-probs");
        }
        ResponseBatch batch = batch(sequences);
        int[][] targets = batch.targets();
        float[][] mask = batch.mask();
        double[][] logp = new double[rows][];
        GroupPolicyLoss.Result[] parts = new GroupPolicyLoss.Result[policyPass.workers()];
        double loss = policyPass.lossAndGradients(batch.ids(), shard -> {
            int from = shard.fromRow();
            int to = shard.toRow();
            INDArray dLogits = shard.dLogits();
            double[] tokens = LmLoss.tokenLogProbsAndGradient(shard.logits(), Arrays.copyOfRange(targets, from, to),
                    Arrays.copyOfRange(mask, from, to), dLogits);
            for (int r = from; r < to; r++) {
                logp[r] = batch.responseValues(tokens, from, r);
            }
            double[][] shardLogp = Arrays.copyOfRange(logp, from, to);
            GroupPolicyLoss.Result part = GroupPolicyLoss.compute(shardLogp, old == null ? shardLogp : Arrays.copyOfRange(old, from, to),
                    Arrays.copyOfRange(ref, from, to), Arrays.copyOfRange(advantages, from, to), Arrays.copyOfRange(weights, from, to),
                    settings);
            parts[shard.index()] = part;
            LmLoss.chainTokenLogProbGradient(dLogits, batch.flat(part.dLogp(), from, to));
            return part.loss();
        });
        GroupPolicyLoss.Result sum = parts[0];
        for (int p = 1; p < parts.length; p++) {
            sum = sum.plus(parts[p]);
        }
        return new Result(loss, logp, sum);
    }

    @Override
    public void close() {
        policyPass.close();
        referencePass.close();
        if (policyForward != null) {
            policyForward.close();
        }
    }
}
