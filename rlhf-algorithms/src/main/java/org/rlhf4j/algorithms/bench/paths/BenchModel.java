package org.rlhf4j.algorithms.bench.paths;

import org.rlhf4j.algorithms.model.Heads;
import org.rlhf4j.algorithms.model.TransformerConfig;
import org.rlhf4j.algorithms.model.TransformerWeights;
import org.rlhf4j.algorithms.util.Rng;

/** The bench size of docs/model.md: default policy (L=2, D=128, H=4, T=48), V=1024, batch 32, sequence 48. */
public final class BenchModel {
    public static final int VOCAB = 1024;
    public static final int BATCH = 32;
    public static final int SEQ = 48;
    public static final double LR = 3e-4;

    private BenchModel() {}

    public static TransformerConfig config() {
        return TransformerConfig.defaults(VOCAB);
    }

    public static TransformerWeights weights(long seed) {
        return TransformerWeights.init(config(), Heads.LM, new Rng(seed));
    }

    /** Uniformly random token ids {@code [rows][cols]}. */
    public static int[][] randomIds(Rng rng, int rows, int cols) {
        int[][] ids = new int[rows][cols];
        for (int[] row : ids) {
            for (int j = 0; j < cols; j++) {
                row[j] = rng.nextInt(VOCAB);
            }
        }
        return ids;
    }
}
