package org.rlhf4j.algorithms.ppo;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.rlhf4j.algorithms.loss.ClippedPolicyLoss;
import org.rlhf4j.algorithms.loss.ClippedValueLoss;
import org.rlhf4j.algorithms.rollout.ResponseBatch;
import org.rlhf4j.engine.model.LmLoss;
import org.rlhf4j.engine.model.ScalarHead;
import org.rlhf4j.engine.model.ShardedBackprop;
import org.rlhf4j.engine.model.TransformerWeights;
import org.rlhf4j.engine.tokenizer.SequenceEncoder.Encoded;

/**
 * The engine's passes of one PPO iteration, on the data-parallel hand-written path, a minibatch of rows at a time:
 * forward-only passes for the response tokens' log-probs under the policy and the frozen reference and for a
 * critic's per-token values (the value of the state before each response token), and the loss-and-gradient passes
 * of the clipped surrogate ({@link ClippedPolicyLoss}, gradient at the logits {@code (softmax - onehot) * -dL/dlogp})
 * and of the clipped value loss ({@link ClippedValueLoss}, gradient through the critic's per-token head).
 */
public final class PpoStep implements AutoCloseable {
    private final int miniBatch;
    private final int width;
    private final ShardedBackprop policyPass;
    private final ShardedBackprop referencePass;
    private final List<TransformerWeights> critics;
    private final List<ShardedBackprop> criticPasses = new ArrayList<>();

    /** What an update's pass computed: its loss and its metrics (each summed over the minibatch's shards). */
    public record Update(double loss, Map<String, Double> metrics) {}

    /**
     * @param policy the policy (trained in place)
     * @param reference the frozen reference
     * @param critics the critics (a value model, and a cost value model for PPO-Lagrangian), scalar-head models
     * @param miniBatch rows of every pass
     * @param workers data-parallel shards
     * @param policyGradients where the policy's gradients go (its optimizer's buffers)
     * @param criticGradients where each critic's gradients go
     */
    public PpoStep(TransformerWeights policy, TransformerWeights reference, List<TransformerWeights> critics, int miniBatch,
            int workers, Map<String, INDArray> policyGradients, List<Map<String, INDArray>> criticGradients) {
        requireNonNull(policy, "policy is null");
        requireNonNull(reference, "reference is null");
        this.critics = List.copyOf(critics);
        if (criticGradients.size() != critics.size()) {
            throw new IllegalArgumentException(critics.size() + " critics, " + criticGradients.size() + " gradient maps");
        }
        this.miniBatch = miniBatch;
        this.width = policy.config().maxSeqLen() - 1;
        this.policyPass = new ShardedBackprop(policy, miniBatch, width, workers, 1, policyGradients);
        this.referencePass = new ShardedBackprop(reference, miniBatch, width, workers, 1, Map.of());
        for (int c = 0; c < critics.size(); c++) {
            if (!critics.get(c).heads().hasScalar()) {
                throw new IllegalArgumentException("critic " + c + " has no scalar head");
            }
            criticPasses.add(new ShardedBackprop(critics.get(c), miniBatch, width, workers, 1, criticGradients.get(c)));
        }
    }

    /** The policy's gradients after {@link #policyUpdate}. */
    public Map<String, INDArray> policyGradients() {
        return policyPass.gradients();
    }

    /** Critic {@code c}'s gradients after {@link #criticUpdate}. */
    public Map<String, INDArray> criticGradients(int c) {
        return criticPasses.get(c).gradients();
    }

    /** The response tokens' log-probs of every sequence under the policy. */
    public double[][] policyLogProbs(List<Encoded> sequences) {
        return logProbs(policyPass, sequences);
    }

    /** The response tokens' log-probs of every sequence under the reference. */
    public double[][] referenceLogProbs(List<Encoded> sequences) {
        return logProbs(referencePass, sequences);
    }

    /** Critic {@code c}'s value of the state before each response token of every sequence. */
    public double[][] values(int c, List<Encoded> sequences) {
        double[][] out = new double[sequences.size()][];
        TransformerWeights critic = critics.get(c);
        for (int from = 0; from < sequences.size(); from += miniBatch) {
            ResponseBatch batch = batch(sequences.subList(from, Math.min(sequences.size(), from + miniBatch)));
            int offset = from;
            criticPasses.get(c).forward(batch.ids(), false, shard -> {
                double[] flat = ScalarHead.atEveryToken(shard.hidden(), critic);
                for (int r = shard.fromRow(); r < shard.toRow(); r++) {
                    out[offset + r] = batch.responseValues(flat, shard.fromRow(), r);
                }
                return 0;
            });
        }
        return out;
    }

    private double[][] logProbs(ShardedBackprop pass, List<Encoded> sequences) {
        double[][] out = new double[sequences.size()][];
        for (int from = 0; from < sequences.size(); from += miniBatch) {
            ResponseBatch batch = batch(sequences.subList(from, Math.min(sequences.size(), from + miniBatch)));
            int offset = from;
            pass.forward(batch.ids(), shard -> {
                double[] tokens = forwardLogProbs(batch, shard);
                for (int r = shard.fromRow(); r < shard.toRow(); r++) {
                    out[offset + r] = batch.responseValues(tokens, shard.fromRow(), r);
                }
                return 0;
            });
        }
        return out;
    }

    /** The log-prob of each column's next token in a shard (and d(-logp)/dlogits left in its dLogits). */
    private static double[] tokenLogProbs(ResponseBatch batch, ShardedBackprop.Shard shard) {
        return LmLoss.tokenLogProbsAndGradient(shard.logits(), Arrays.copyOfRange(batch.targets(), shard.fromRow(), shard.toRow()),
                Arrays.copyOfRange(batch.mask(), shard.fromRow(), shard.toRow()), shard.dLogits());
    }

    /** The same log-probs, forward only: no gradient (the shard's dLogits buffer is only scratch). */
    private static double[] forwardLogProbs(ResponseBatch batch, ShardedBackprop.Shard shard) {
        return LmLoss.tokenLogProbs(shard.logits(), Arrays.copyOfRange(batch.targets(), shard.fromRow(), shard.toRow()),
                Arrays.copyOfRange(batch.mask(), shard.fromRow(), shard.toRow()), shard.dLogits());
    }

    /**
     * The clipped surrogate of one minibatch and its gradient, left in {@link #policyGradients()}.
     *
     * @param miniBatchRows the minibatch's sequences
     * @param oldLogp their response tokens' log-probs at sampling
     * @param advantages per token
     * @param clip the ratio's clip range
     */
    public Update policyUpdate(List<Encoded> miniBatchRows, double[][] oldLogp, double[][] advantages, double clip) {
        ResponseBatch batch = batch(miniBatchRows);
        long tokens = batch.tokens(0, batch.rows());
        List<Map<String, Double>> parts = shardMetrics(policyPass.workers());
        double loss = policyPass.lossAndGradients(batch.ids(), shard -> {
            int from = shard.fromRow();
            int to = shard.toRow();
            double[] flat = tokenLogProbs(batch, shard);
            double[][] logp = new double[to - from][];
            for (int r = from; r < to; r++) {
                logp[r - from] = batch.responseValues(flat, from, r);
            }
            ClippedPolicyLoss.Result part = ClippedPolicyLoss.compute(logp, Arrays.copyOfRange(oldLogp, from, to),
                    Arrays.copyOfRange(advantages, from, to), clip, tokens);
            LmLoss.chainTokenLogProbGradient(shard.dLogits(), batch.flat(part.dLogp(), from, to));
            parts.set(shard.index(), part.metrics());
            return part.loss();
        });
        return new Update(loss, sum(parts));
    }

    /**
     * The clipped value loss of critic {@code c} on one minibatch and its gradient, left in
     * {@link #criticGradients(int)}.
     */
    public Update criticUpdate(int c, List<Encoded> miniBatchRows, double[][] oldValues, double[][] returns, double clip) {
        ResponseBatch batch = batch(miniBatchRows);
        long tokens = batch.tokens(0, batch.rows());
        TransformerWeights critic = critics.get(c);
        ShardedBackprop pass = criticPasses.get(c);
        List<Map<String, Double>> parts = shardMetrics(pass.workers());
        double loss = pass.lossAndGradients(batch.ids(), false, shard -> {
            int from = shard.fromRow();
            int to = shard.toRow();
            double[] flat = ScalarHead.atEveryToken(shard.hidden(), critic);
            double[][] values = new double[to - from][];
            for (int r = from; r < to; r++) {
                values[r - from] = batch.responseValues(flat, from, r);
            }
            ClippedValueLoss.Result part = ClippedValueLoss.compute(values, Arrays.copyOfRange(oldValues, from, to),
                    Arrays.copyOfRange(returns, from, to), clip, tokens);
            ScalarHead.backwardAtEveryToken(shard.hidden(), batch.flat(part.dValues(), from, to), critic, shard.dHidden(),
                    shard.dHeadW(), shard.dHeadB());
            parts.set(shard.index(), part.metrics());
            return part.loss();
        });
        return new Update(loss, sum(parts));
    }

    private ResponseBatch batch(List<Encoded> rows) {
        if (rows.size() != miniBatch) {
            throw new IllegalArgumentException("a pass takes " + miniBatch + " sequences, got " + rows.size());
        }
        return new ResponseBatch(rows, width);
    }

    private static List<Map<String, Double>> shardMetrics(int shards) {
        List<Map<String, Double>> parts = new ArrayList<>(shards);
        for (int k = 0; k < shards; k++) {
            parts.add(Map.of());
        }
        return java.util.Collections.synchronizedList(parts);
    }

    private static Map<String, Double> sum(List<Map<String, Double>> parts) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (Map<String, Double> part : parts) {
            part.forEach((name, value) -> out.merge(name, value, Double::sum));
        }
        return out;
    }

    @Override
    public void close() {
        policyPass.close();
        referencePass.close();
        criticPasses.forEach(ShardedBackprop::close);
    }
}
