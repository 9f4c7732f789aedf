package org.rlhf4j.algorithms.direct;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.rlhf4j.algorithms.loss.PairLogProbs;
import org.rlhf4j.algorithms.loss.PairLoss;
import org.rlhf4j.algorithms.loss.PreferenceLoss;
import org.rlhf4j.algorithms.preference.PairRows;
import org.rlhf4j.engine.model.MaskedLmHead;
import org.rlhf4j.engine.model.ShardedBackprop;
import org.rlhf4j.engine.model.TransformerWeights;
import org.rlhf4j.engine.tokenizer.SequenceEncoder.Encoded;
import org.rlhf4j.engine.train.StepResult;
import org.rlhf4j.engine.train.TrainingLoop;

/**
 * One step of an offline preference loss ({@link PreferenceLoss}: DPO, IPO, cDPO, a plugin's) on a batch of (chosen,
 * rejected) pairs, chosen and rejected in one forward batch ({@link PairRows#forLm}) on the data-parallel hand-written
 * path. Each shard computes its rows' response log-probabilities and the unit gradient {@code d(-log p)/dlogits} in one
 * pass, with the LM head evaluated at the response tokens only ({@link MaskedLmHead}: the prompt and padding rows skip
 * it), the loss of its pairs, and scales each row's gradient by {@code -dLoss/dlogp} of its sequence. The reference
 * log-probs are computed once, before training, by the same pass over the frozen reference ({@link #referenceLogProbs}),
 * when the loss reads them.
 */
public final class PreferenceStep implements TrainingLoop.Step, AutoCloseable {
    private final List<Encoded[]> pairs;
    private final double[][] reference;
    private final PreferenceLoss loss;
    private final int batch;
    private final int width;
    private final ShardedBackprop backprop;
    private final MaskedLmHead[] heads;

    /**
     * @param policy the policy (trained in place)
     * @param pairs {@code [chosen, rejected]} sequences
     * @param reference the reference's {@code [chosen, rejected]} log-prob of each pair ({@link #referenceLogProbs}), or
     *     {@link #noReference} for a loss that reads none
     * @param loss the loss
     * @param batch pairs per step
     * @param workers data-parallel shards
     * @param gradientBuffers where gradients go (the optimizer's buffers)
     */
    public PreferenceStep(TransformerWeights policy, List<Encoded[]> pairs, double[][] reference, PreferenceLoss loss, int batch,
            int workers, Map<String, INDArray> gradientBuffers) {
        requireNonNull(policy, "policy is null");
        this.pairs = List.copyOf(pairs);
        this.reference = requireNonNull(reference, "reference is null");
        if (reference.length != pairs.size()) {
            throw new IllegalArgumentException(reference.length + " reference log-probs for " + pairs.size() + " pairs");
        }
        this.loss = requireNonNull(loss, "loss is null");
        this.batch = batch;
        this.width = policy.config().maxSeqLen() - 1;
        this.backprop = new ShardedBackprop(policy, 2 * batch, width, workers, 2, gradientBuffers);
        this.heads = MaskedLmHead.perShard(policy, backprop, width);
    }

    /** The gradients each step leaves, by parameter name. */
    public Map<String, INDArray> gradients() {
        return backprop.gradients();
    }

    /** Reference log-probs of a loss that reads none: NaN for every pair. */
    public static double[][] noReference(int pairs) {
        double[][] out = new double[pairs][];
        for (int i = 0; i < pairs; i++) {
            out[i] = new double[] {Double.NaN, Double.NaN};
        }
        return out;
    }

    /**
     * The {@code [chosen, rejected]} sequence log-probs of every pair under {@code model} (not trained), in batches
     * of {@code batch} pairs on the same sharded pass as training, so that a policy equal to the reference gets the
     * reference's log-probs: exactly (DPO's loss then starts at exactly ln 2) where a training batch puts a pair at
     * the rows of its shard this pass gave it, and to float rounding elsewhere (a row's arithmetic can depend on
     * its place in the shard's matrix products; measured within 3e-9 of ln 2 on shuffled batches).
     */
    public static double[][] referenceLogProbs(TransformerWeights model, List<Encoded[]> pairs, int batch, int workers) {
        int width = model.config().maxSeqLen() - 1;
        double[][] out = new double[pairs.size()][];
        try (ShardedBackprop pass = new ShardedBackprop(model, 2 * batch, width, workers, 2, Map.of())) {
            MaskedLmHead[] heads = MaskedLmHead.perShard(model, pass, width);
            for (int start = 0; start < pairs.size(); start += batch) {
                List<Encoded[]> chunk = new ArrayList<>(pairs.subList(start, Math.min(pairs.size(), start + batch)));
                int real = chunk.size();
                while (chunk.size() < batch) {
                    chunk.add(chunk.get(0)); // pad the last chunk; its extra rows are ignored
                }
                PairRows rows = PairRows.forLm(chunk, width);
                double[] logps = new double[rows.ids().length];
                pass.forward(rows.ids(), false, shard -> {
                    int from = shard.fromRow();
                    int to = shard.toRow();
                    double[] tokens = heads[shard.index()].logProbs(shard.hidden(), Arrays.copyOfRange(rows.targets(), from, to),
                            Arrays.copyOfRange(rows.mask(), from, to));
                    System.arraycopy(PairRows.sequenceSums(tokens, to - from, width), 0, logps, from, to - from);
                    return 0;
                });
                for (int i = 0; i < real; i++) {
                    out[start + i] = new double[] {logps[2 * i], logps[2 * i + 1]};
                }
            }
        }
        return out;
    }

    @Override
    public StepResult compute(int[] indices) {
        List<Encoded[]> chunk = new ArrayList<>(indices.length);
        double[] refChosen = new double[batch];
        double[] refRejected = new double[batch];
        int[] chosenTokens = new int[batch];
        int[] rejectedTokens = new int[batch];
        for (int i = 0; i < indices.length; i++) {
            Encoded[] pair = pairs.get(indices[i]);
            chunk.add(pair);
            refChosen[i] = reference[indices[i]][0];
            refRejected[i] = reference[indices[i]][1];
            chosenTokens[i] = responseTokens(pair[0]);
            rejectedTokens[i] = responseTokens(pair[1]);
        }
        PairRows rows = PairRows.forLm(chunk, width);
        double[] seq = new double[2 * batch];
        double total = backprop.lossAndGradients(rows.ids(), false, shard -> {
            int from = shard.fromRow();
            int to = shard.toRow();
            MaskedLmHead head = heads[shard.index()];
            double[] tokens = head.tokenLogProbs(shard.hidden(), Arrays.copyOfRange(rows.targets(), from, to),
                    Arrays.copyOfRange(rows.mask(), from, to));
            double[] logps = PairRows.sequenceSums(tokens, to - from, width);
            System.arraycopy(logps, 0, seq, from, to - from);
            int firstPair = from / 2;
            int n = (to - from) / 2;
            PairLoss part = loss.compute(logProbs(logps, refChosen, refRejected, chosenTokens, rejectedTokens, firstPair, n),
                    batch);
            // the head keeps d(-logp)/dlogits per token: the loss's gradient is that row times -dLoss/dlogp
            double[] sequenceScale = new double[to - from];
            for (int i = 0; i < n; i++) {
                sequenceScale[2 * i] = -part.dFirst()[i];
                sequenceScale[2 * i + 1] = -part.dSecond()[i];
            }
            head.backward(sequenceScale, shard.dHidden(), shard.dLmHead());
            return part.loss();
        });
        PairLoss whole = loss.compute(logProbs(seq, refChosen, refRejected, chosenTokens, rejectedTokens, 0, batch), batch);
        return new StepResult(total, whole.metrics());
    }

    /** The log-probs of pairs {@code [firstPair, firstPair + n)}, whose rows (chosen, rejected, ...) are {@code logps}. */
    private static PairLogProbs logProbs(double[] logps, double[] refChosen, double[] refRejected, int[] chosenTokens,
            int[] rejectedTokens, int firstPair, int n) {
        double[] chosen = new double[n];
        double[] rejected = new double[n];
        for (int i = 0; i < n; i++) {
            chosen[i] = logps[2 * i];
            rejected[i] = logps[2 * i + 1];
        }
        return new PairLogProbs(chosen, rejected, Arrays.copyOfRange(refChosen, firstPair, firstPair + n),
                Arrays.copyOfRange(refRejected, firstPair, firstPair + n), Arrays.copyOfRange(chosenTokens, firstPair, firstPair + n),
                Arrays.copyOfRange(rejectedTokens, firstPair, firstPair + n));
    }

    /** The tokens of a sequence's response that the loss scores ({@code <eos>} included). */
    private static int responseTokens(Encoded sequence) {
        return sequence.tokens().length - sequence.promptLength();
    }

    @Override
    public void close() {
        backprop.close();
    }
}
