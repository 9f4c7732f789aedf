package org.rlhf4j.engine.model;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The LM head's three matrix products, written once for both layouts: an untied {@code lm_head [D,V]}
 * ({@code logits = h @ lm_head}) and a head tied to the token embedding {@code tok_emb [V,D]}
 * ({@code logits = h @ tok_emb^T}, GPT-2's default), whose gradient is summed into the embedding's.
 */
final class LmHeadMatrix {
    private LmHeadMatrix() {}

    /** {@code out [N,V] = hidden [N,D] @ W}. */
    static void logits(INDArray head, boolean tied, INDArray hidden, INDArray out) {
        Nd4j.gemm(hidden, head, out, false, tied, 1.0, 0.0);
    }

    /** {@code out [N,D] = beta * out + dLogits [N,V] @ W^T}: the gradient at the hidden states. */
    static void hiddenGradient(INDArray head, boolean tied, INDArray dLogits, INDArray out, double beta) {
        Nd4j.gemm(dLogits, head, out, false, !tied, 1.0, beta);
    }

    /**
     * The head matrix's gradient, {@code out = beta * out + dW}: {@code hidden^T @ dLogits} ({@code [D,V]}) untied,
     * {@code dLogits^T @ hidden} ({@code [V,D]}, the embedding's orientation) tied.
     */
    static void weightGradient(boolean tied, INDArray hidden, INDArray dLogits, INDArray out, double beta) {
        if (tied) {
            Nd4j.gemm(dLogits, hidden, out, true, false, 1.0, beta);
        } else {
            Nd4j.gemm(hidden, dLogits, out, true, false, 1.0, beta);
        }
    }
}
