package org.rlhf4j.feedback.gan;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.List;
import org.rlhf4j.api.feedback.Completion;

/**
 * The network an {@link AdversarialDiscriminatorSource} trains: it gives every completion a logit
 * {@code z = log D - log(1 - D)} of "real", and learns from batches of real and fake completions with soft targets.
 * The schedule (when to step, on what, whether to apply the step) is the source's; the network only computes.
 */
interface Discriminator extends AutoCloseable {
    /** The logits of {@code completions}, in order (no update). */
    double[] logits(List<Completion> completions);

    /**
     * Computes the loss of one batch and its gradient, leaving the parameters unchanged.
     *
     * @param targets each completion's target in [0, 1] (1 real, 0 fake, {@code 1 - s} for a smoothed real row)
     * @return the batch's loss and its logits before any update
     */
    Step computeStep(List<Completion> batch, double[] targets);

    /** Applies the optimizer update of the last {@link #computeStep}. */
    void update();

    /** Writes the whole state (weights, optimizer). */
    void write(DataOutputStream out) throws IOException;

    /** Reads what {@link #write} wrote. */
    void read(DataInputStream in) throws IOException;

    @Override
    void close();

    /**
     * What a step computed.
     *
     * @param loss the batch's loss (finite for a usable step)
     * @param logits the batch's logits before the update
     */
    record Step(double loss, double[] logits) {}
}
