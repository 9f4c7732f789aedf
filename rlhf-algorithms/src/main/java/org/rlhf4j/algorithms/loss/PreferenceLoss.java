package org.rlhf4j.algorithms.loss;

/**
 * A loss on (chosen, rejected) pairs from their sequence log-probabilities: the seam of the offline preference
 * algorithms (DPO, IPO and cDPO in {@link DpoLoss}; a plugin's own, such as SLiC's hinge). The trainer
 * ({@link org.rlhf4j.algorithms.direct.PreferenceAlgorithm}) runs the policy (and, once, the frozen reference),
 * hands the loss the log-probs, and backpropagates the gradient the loss returns through the model, so a new
 * preference algorithm is this one pure function and its config.
 *
 * <p>A loss is a pure function of its inputs: the same inputs give the same loss, gradient and metrics, and it keeps
 * no state. It may be called on part of a batch (one shard's pairs) with the whole batch's {@code normaliser}: the
 * parts' losses and gradients must then sum to the whole batch's.
 */
public interface PreferenceLoss {
    /**
     * Whether the loss reads the reference's log-probs (DPO's do; a reference-free loss such as SimPO's or ORPO's does
     * not, and the trainer then skips the reference pass: the reference arrays hold NaN).
     */
    default boolean needsReference() {
        return true;
    }

    /** What the loss is, for the run's log (e.g. {@code DPO (beta 0.1)}). */
    String describe();

    /**
     * The loss of one step, given the response lengths of the whole batch, before it is called on the batch's shards: a
     * loss whose normaliser is not the pair count binds it here (ORPO's NLL term, a mean over every chosen response
     * token of the batch, as TRL's cross-entropy is). The default, for a loss normalised by the pair count, is this loss.
     *
     * @param chosenTokens the batch's chosen responses' lengths in tokens
     * @param rejectedTokens the batch's rejected responses' lengths in tokens
     */
    default PreferenceLoss forBatch(int[] chosenTokens, int[] rejectedTokens) {
        return this;
    }

    /**
     * The loss of {@code pairs} and its gradient with respect to each pair's policy log-probs.
     *
     * @param normaliser what the sum over pairs is divided by (the whole batch's pair count)
     * @return the loss, {@code dLoss/d policyChosen} as {@link PairLoss#dFirst}, {@code dLoss/d policyRejected} as
     *     {@link PairLoss#dSecond}, and the logged parts (means over the pairs; TRL's names where TRL has them)
     */
    PairLoss compute(PairLogProbs pairs, double normaliser);
}
