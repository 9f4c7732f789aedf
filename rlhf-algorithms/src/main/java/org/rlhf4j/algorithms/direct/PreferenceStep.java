package org.rlhf4j.algorithms.direct;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.rlhf4j.algorithms.loss.PreferenceLoss;
import org.rlhf4j.engine.model.TransformerWeights;
import org.rlhf4j.engine.tokenizer.SequenceEncoder.Encoded;
import org.rlhf4j.engine.train.StepResult;

/**
 * One step of an offline preference loss ({@link PreferenceLoss}: DPO, IPO, cDPO, SimPO, ORPO, a plugin's) on a batch of
 * the arm's (chosen, rejected) pairs, on the data-parallel {@link PreferencePass}. The reference log-probs are computed
 * once, before training, by the same pass over the frozen reference ({@link #referenceLogProbs}), when the loss reads
 * them.
 */
public final class PreferenceStep implements PairStep {
    private final List<Encoded[]> pairs;
    private final double[][] reference;
    private final PreferenceLoss loss;
    private final PreferencePass pass;

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
        this.pass = new PreferencePass(policy, batch, workers, gradientBuffers);
    }

    @Override
    public Map<String, INDArray> gradients() {
        return pass.gradients();
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
        double[][] out = new double[pairs.size()][];
        try (PreferencePass pass = new PreferencePass(model, batch, workers, Map.of())) {
            for (int start = 0; start < pairs.size(); start += batch) {
                double[][] chunk = pass.logProbs(pairs.subList(start, Math.min(pairs.size(), start + batch)));
                System.arraycopy(chunk, 0, out, start, chunk.length);
            }
        }
        return out;
    }

    /** The pairs {@code indices} and their reference log-probs: what a step on them passes to {@link PreferencePass#step}. */
    static Batch batch(List<Encoded[]> pairs, double[][] reference, int[] indices) {
        List<Encoded[]> chunk = new ArrayList<>(indices.length);
        double[] refChosen = new double[indices.length];
        double[] refRejected = new double[indices.length];
        for (int i = 0; i < indices.length; i++) {
            chunk.add(pairs.get(indices[i]));
            refChosen[i] = reference[indices[i]][0];
            refRejected[i] = reference[indices[i]][1];
        }
        return new Batch(chunk, refChosen, refRejected);
    }

    /** A step's pairs and their reference log-probs. */
    record Batch(List<Encoded[]> pairs, double[] refChosen, double[] refRejected) {}

    @Override
    public StepResult compute(int[] indices) {
        Batch chunk = batch(pairs, reference, indices);
        return pass.step(chunk.pairs(), chunk.refChosen(), chunk.refRejected(), loss);
    }

    @Override
    public void close() {
        pass.close();
    }
}
