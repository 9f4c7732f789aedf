package org.rlhf4j.api.config;

/**
 * The policy network of a task experiment: a decoder-only transformer, and the word vocabulary it is
 * trained with.
 *
 * @param dModel width of the residual stream (default {@value #DEFAULT_D_MODEL})
 * @param nLayers transformer blocks (default {@value #DEFAULT_N_LAYERS})
 * @param nHeads attention heads; must divide {@code d_model} (default {@value #DEFAULT_N_HEADS})
 * @param maxSeqLen context length in tokens, {@code <bos>} included (default {@value #DEFAULT_MAX_SEQ_LEN})
 * @param maxVocab the most words the tokenizer keeps, special tokens included (default {@value #DEFAULT_MAX_VOCAB})
 */
public record PolicyConfig(Integer dModel, Integer nLayers, Integer nHeads, Integer maxSeqLen, Integer maxVocab) {
    public static final int DEFAULT_D_MODEL = 128;
    public static final int DEFAULT_N_LAYERS = 2;
    public static final int DEFAULT_N_HEADS = 4;
    public static final int DEFAULT_MAX_SEQ_LEN = 48;
    public static final int DEFAULT_MAX_VOCAB = 2048;

    public PolicyConfig {
        dModel = positive("d_model", dModel, DEFAULT_D_MODEL);
        nLayers = positive("n_layers", nLayers, DEFAULT_N_LAYERS);
        nHeads = positive("n_heads", nHeads, DEFAULT_N_HEADS);
        maxSeqLen = positive("max_seq_len", maxSeqLen, DEFAULT_MAX_SEQ_LEN);
        maxVocab = positive("max_vocab", maxVocab, DEFAULT_MAX_VOCAB);
        if (dModel % nHeads != 0) {
            throw new IllegalArgumentException("d_model (" + dModel + ") must be divisible by n_heads (" + nHeads + ")");
        }
        if (maxSeqLen < 8) {
            throw new IllegalArgumentException("max_seq_len must be >= 8, got " + maxSeqLen);
        }
        if (maxVocab < 8) {
            throw new IllegalArgumentException("max_vocab must be >= 8, got " + maxVocab);
        }
    }

    /** The defaults (L=2, D=128, H=4, T=48). */
    public static PolicyConfig defaults() {
        return new PolicyConfig(null, null, null, null, null);
    }

    static int positive(String key, Integer value, int defaultValue) {
        return ConfigValues.atLeast(key, value, defaultValue, 1);
    }

    static double finite(String key, Double value, double defaultValue, double min, double max) {
        return ConfigValues.within(key, value, defaultValue, min, max);
    }
}
