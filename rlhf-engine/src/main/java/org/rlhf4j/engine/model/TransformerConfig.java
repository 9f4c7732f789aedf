package org.rlhf4j.engine.model;

/**
 * Hyper-parameters of the decoder-only transformer described in docs/model.md.
 *
 * @param vocabSize number of token ids (V)
 * @param dModel width of the residual stream (D)
 * @param nHeads attention heads (H); {@code dModel} must be divisible by it
 * @param nLayers transformer blocks (L)
 * @param maxSeqLen context length (T): the number of learned positions
 * @param mlpRatio MLP hidden width as a multiple of {@code dModel}
 * @param layerNormEps epsilon added to the variance in every layer norm
 * @param initStd standard deviation of the normal weight init
 * @param tiedEmbeddings whether the LM head IS the token embedding ({@code logits = h @ tok_emb^T}, GPT-2's default):
 *     the model then has no {@code lm_head} parameter and the head's gradient is summed into {@code tok_emb}'s
 */
public record TransformerConfig(
        int vocabSize, int dModel, int nHeads, int nLayers, int maxSeqLen, int mlpRatio, double layerNormEps, double initStd,
        boolean tiedEmbeddings) {

    public TransformerConfig {
        positive("vocabSize", vocabSize);
        positive("dModel", dModel);
        positive("nHeads", nHeads);
        positive("nLayers", nLayers);
        positive("maxSeqLen", maxSeqLen);
        positive("mlpRatio", mlpRatio);
        if (dModel % nHeads != 0) {
            throw new IllegalArgumentException("dModel (" + dModel + ") must be divisible by nHeads (" + nHeads + ")");
        }
        if (!(layerNormEps > 0) || !(initStd > 0)) {
            throw new IllegalArgumentException("layerNormEps and initStd must be positive");
        }
    }

    /** An untied model (its own {@code lm_head}, the built-in policies' layout). */
    public TransformerConfig(int vocabSize, int dModel, int nHeads, int nLayers, int maxSeqLen, int mlpRatio, double layerNormEps,
            double initStd) {
        this(vocabSize, dModel, nHeads, nLayers, maxSeqLen, mlpRatio, layerNormEps, initStd, false);
    }

    /** This configuration with the LM head tied to the token embedding, or untied. */
    public TransformerConfig withTiedEmbeddings(boolean tied) {
        return new TransformerConfig(vocabSize, dModel, nHeads, nLayers, maxSeqLen, mlpRatio, layerNormEps, initStd, tied);
    }

    /** The default policy size of docs/model.md (L=2, D=128, H=4, T=48) for a given vocabulary. */
    public static TransformerConfig defaults(int vocabSize) {
        return new TransformerConfig(vocabSize, 128, 4, 2, 48, 4, 1e-5, 0.02);
    }

    /** A custom size with the spec's defaults for mlpRatio (4), layerNormEps (1e-5) and initStd (0.02). */
    public static TransformerConfig of(int vocabSize, int dModel, int nHeads, int nLayers, int maxSeqLen) {
        return new TransformerConfig(vocabSize, dModel, nHeads, nLayers, maxSeqLen, 4, 1e-5, 0.02);
    }

    /** Width of one attention head. */
    public int headDim() {
        return dModel / nHeads;
    }

    /** Width of the MLP hidden layer. */
    public int mlpHidden() {
        return mlpRatio * dModel;
    }

    private static void positive(String name, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive, got " + value);
        }
    }
}
