package org.rlhf4j.algorithms.direct;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.rlhf4j.algorithms.loss.KtoLoss;
import org.rlhf4j.algorithms.preference.LabelledPair;
import org.rlhf4j.engine.model.TransformerWeights;
import org.rlhf4j.engine.tokenizer.SequenceEncoder;
import org.rlhf4j.engine.tokenizer.SequenceEncoder.Encoded;
import org.rlhf4j.engine.train.StepResult;

/**
 * One step of KTO ({@link KtoLoss}) on a batch of the arm's pairs, each pair a desirable (chosen) and an undesirable
 * (rejected) example, on the data-parallel {@link PreferencePass}. Before the loss, the step estimates the reference point
 * {@code z0} from the batch's mismatched examples ({@link #mismatched}: each pair's prompt with the responses of the next
 * pair, TRL's KL dataset): their log-probs under the current policy (a forward pass, no gradient) against the reference's
 * (computed once, before training); then the loss at that fixed {@code z0}.
 */
public final class KtoStep implements PairStep {
    private final List<Encoded[]> pairs;
    private final double[][] reference;
    private final List<Encoded[]> mismatched;
    private final double[][] mismatchedReference;
    private final KtoLoss loss;
    private final PreferencePass pass;

    /**
     * @param policy the policy (trained in place)
     * @param pairs {@code [chosen, rejected]} sequences
     * @param reference the reference's {@code [chosen, rejected]} log-probs of each pair
     * @param mismatched each pair's mismatched examples ({@link #mismatched})
     * @param mismatchedReference the reference's log-probs of the mismatched examples
     * @param loss the loss
     * @param batch pairs per step
     * @param workers data-parallel shards
     * @param gradientBuffers where gradients go (the optimizer's buffers)
     */
    public KtoStep(TransformerWeights policy, List<Encoded[]> pairs, double[][] reference, List<Encoded[]> mismatched,
            double[][] mismatchedReference, KtoLoss loss, int batch, int workers, Map<String, INDArray> gradientBuffers) {
        requireNonNull(policy, "policy is null");
        this.pairs = List.copyOf(pairs);
        this.reference = requireNonNull(reference, "reference is null");
        this.mismatched = List.copyOf(mismatched);
        this.mismatchedReference = requireNonNull(mismatchedReference, "mismatchedReference is null");
        if (reference.length != pairs.size() || mismatched.size() != pairs.size() || mismatchedReference.length != pairs.size()) {
            throw new IllegalArgumentException(pairs.size() + " pairs with " + reference.length + " reference log-probs, "
                    + mismatched.size() + " mismatched examples and " + mismatchedReference.length + " of their log-probs");
        }
        this.loss = requireNonNull(loss, "loss is null");
        this.pass = new PreferencePass(policy, batch, workers, gradientBuffers);
    }

    /**
     * The mismatched examples of {@code pairs} (in order): pair {@code i}'s prompt with the chosen and the rejected response
     * of pair {@code i + 1} (the last pair's with the first's), encoded like the pairs. TRL builds its KL dataset the same
     * way, shifting the completions of the dataset by one.
     */
    public static List<Encoded[]> mismatched(List<LabelledPair> pairs, SequenceEncoder encoder) {
        List<Encoded[]> out = new ArrayList<>(pairs.size());
        for (int i = 0; i < pairs.size(); i++) {
            LabelledPair partner = pairs.get((i + 1) % pairs.size());
            String prompt = pairs.get(i).prompt();
            out.add(new Encoded[] {encoder.encode(prompt, partner.chosen()), encoder.encode(prompt, partner.rejected())});
        }
        return out;
    }

    @Override
    public Map<String, INDArray> gradients() {
        return pass.gradients();
    }

    @Override
    public StepResult compute(int[] indices) {
        PreferenceStep.Batch other = PreferenceStep.batch(mismatched, mismatchedReference, indices);
        double[][] policy = pass.logProbs(other.pairs());
        double[] policyFlat = new double[2 * indices.length];
        double[] referenceFlat = new double[2 * indices.length];
        for (int i = 0; i < indices.length; i++) {
            policyFlat[2 * i] = policy[i][0];
            policyFlat[2 * i + 1] = policy[i][1];
            referenceFlat[2 * i] = other.refChosen()[i];
            referenceFlat[2 * i + 1] = other.refRejected()[i];
        }
        double z0 = KtoLoss.referencePoint(policyFlat, referenceFlat);
        PreferenceStep.Batch chunk = PreferenceStep.batch(pairs, reference, indices);
        return pass.step(chunk.pairs(), chunk.refChosen(), chunk.refRejected(), loss.at(z0)); // its metrics hold kl = z0
    }

    @Override
    public void close() {
        pass.close();
    }
}
