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

/**
 * The data-parallel pass of every loss on (chosen, rejected) pairs: up to {@code batch} pairs, chosen and rejected in one
 * forward batch ({@link PairRows#forLm}) on the hand-written path. Each shard computes its rows' response log-probabilities
 * and the unit gradient {@code d(-log p)/dlogits} in one pass, with the LM head evaluated at the response tokens only
 * ({@link MaskedLmHead}: the prompt and padding rows skip it), the loss of its pairs, and scales each row's gradient by
 * {@code -dLoss/dlogp} of its sequence. A call with fewer than {@code batch} pairs pads the batch with copies of its first
 * pair, which carry no loss and no gradient; the loss is then normalised by the pairs there are. {@link #logProbs} is the
 * same pass forward only (a frozen reference's log-probs, or the policy's where no gradient flows).
 */
public final class PreferencePass implements AutoCloseable {
    private final int batch;
    private final int width;
    private final ShardedBackprop backprop;
    private final MaskedLmHead[] heads;

    /**
     * @param model the model the pass runs (trained in place by its user when {@code gradientBuffers} are an optimizer's)
     * @param batch the most pairs per call
     * @param workers data-parallel shards
     * @param gradientBuffers where gradients go (the optimizer's buffers; empty for a forward-only pass)
     */
    public PreferencePass(TransformerWeights model, int batch, int workers, Map<String, INDArray> gradientBuffers) {
        requireNonNull(model, "model is null");
        this.batch = batch;
        this.width = model.config().maxSeqLen() - 1;
        this.backprop = new ShardedBackprop(model, 2 * batch, width, workers, 2, gradientBuffers);
        this.heads = MaskedLmHead.perShard(model, backprop, width);
    }

    /** The most pairs per call. */
    public int batch() {
        return batch;
    }

    /** The gradients each {@link #step} leaves, by parameter name. */
    public Map<String, INDArray> gradients() {
        return backprop.gradients();
    }

    /**
     * The loss of {@code pairs} (at most {@link #batch}; at least one) and its gradient, left in {@link #gradients()}.
     *
     * @param refChosen the reference's log-prob of each pair's chosen response (NaN for a loss that reads none)
     * @param refRejected likewise for the rejected responses
     * @return the loss and the loss's logged parts over the pairs
     */
    public StepResult step(List<Encoded[]> pairs, double[] refChosen, double[] refRejected, PreferenceLoss loss) {
        int real = pairs.size();
        if (real < 1 || real > batch || refChosen.length != real || refRejected.length != real) {
            throw new IllegalArgumentException(real + " pairs (" + refChosen.length + ", " + refRejected.length
                    + " reference log-probs) for a pass of at most " + batch);
        }
        int[] chosenTokens = new int[real];
        int[] rejectedTokens = new int[real];
        for (int i = 0; i < real; i++) {
            chosenTokens[i] = pairs.get(i)[0].responseLength();
            rejectedTokens[i] = pairs.get(i)[1].responseLength();
        }
        PreferenceLoss stepLoss = loss.forBatch(chosenTokens, rejectedTokens);
        PairRows rows = PairRows.forLm(padded(pairs), width);
        double[] seq = new double[2 * real];
        double total = backprop.lossAndGradients(rows.ids(), false, shard -> {
            int from = shard.fromRow();
            int to = shard.toRow();
            MaskedLmHead head = heads[shard.index()];
            double[] tokens = head.tokenLogProbs(shard.hidden(), Arrays.copyOfRange(rows.targets(), from, to),
                    Arrays.copyOfRange(rows.mask(), from, to));
            double[] logps = PairRows.sequenceSums(tokens, to - from, width);
            int firstPair = from / 2;
            int n = Math.max(0, Math.min((to - from) / 2, real - firstPair)); // the shard's pairs that are not padding
            System.arraycopy(logps, 0, seq, from, 2 * n);
            // the head keeps d(-logp)/dlogits per token: the loss's gradient is that row times -dLoss/dlogp
            double[] sequenceScale = new double[to - from];
            double part = 0;
            if (n > 0) {
                PairLoss pairLoss = stepLoss.compute(logProbs(logps, refChosen, refRejected, chosenTokens, rejectedTokens, firstPair, n),
                        real);
                for (int i = 0; i < n; i++) {
                    sequenceScale[2 * i] = -pairLoss.dFirst()[i];
                    sequenceScale[2 * i + 1] = -pairLoss.dSecond()[i];
                }
                part = pairLoss.loss();
            }
            head.backward(sequenceScale, shard.dHidden(), shard.dLmHead());
            return part;
        });
        PairLoss whole = stepLoss.compute(logProbs(seq, refChosen, refRejected, chosenTokens, rejectedTokens, 0, real), real);
        return new StepResult(total, whole.metrics());
    }

    /** The {@code [chosen, rejected]} summed response log-probs of {@code pairs} (at most {@link #batch}), forward only. */
    public double[][] logProbs(List<Encoded[]> pairs) {
        int real = pairs.size();
        if (real < 1 || real > batch) {
            throw new IllegalArgumentException(real + " pairs for a pass of at most " + batch);
        }
        PairRows rows = PairRows.forLm(padded(pairs), width);
        double[] logps = new double[rows.ids().length];
        backprop.forward(rows.ids(), false, shard -> {
            int from = shard.fromRow();
            int to = shard.toRow();
            double[] tokens = heads[shard.index()].logProbs(shard.hidden(), Arrays.copyOfRange(rows.targets(), from, to),
                    Arrays.copyOfRange(rows.mask(), from, to));
            System.arraycopy(PairRows.sequenceSums(tokens, to - from, width), 0, logps, from, to - from);
            return 0;
        });
        double[][] out = new double[real][];
        for (int i = 0; i < real; i++) {
            out[i] = new double[] {logps[2 * i], logps[2 * i + 1]};
        }
        return out;
    }

    /** {@code pairs}, filled to {@link #batch} with copies of the first (padding rows, ignored). */
    private List<Encoded[]> padded(List<Encoded[]> pairs) {
        List<Encoded[]> out = new ArrayList<>(pairs);
        while (out.size() < batch) {
            out.add(pairs.get(0));
        }
        return out;
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

    @Override
    public void close() {
        backprop.close();
    }
}
