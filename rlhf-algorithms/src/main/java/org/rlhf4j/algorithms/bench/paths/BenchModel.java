package org.rlhf4j.algorithms.bench.paths;

import org.rlhf4j.algorithms.bench.BenchShape;
import org.rlhf4j.algorithms.model.Heads;
import org.rlhf4j.algorithms.model.TransformerConfig;
import org.rlhf4j.algorithms.model.TransformerWeights;
import org.rlhf4j.algorithms.util.Rng;

/**
 * The engine's hot paths' model: the bench size {@link BenchShape#DEFAULT} (the default policy of
 * docs/model.md with V=1024, batch 32, sequence 48), which torch_reference.py mirrors.
 */
public final class BenchModel {
    private static final BenchShape SHAPE = BenchShape.DEFAULT;
    public static final int VOCAB = SHAPE.vocab();
    public static final int BATCH = SHAPE.batch();
    public static final int SEQ = SHAPE.seqLen();
    public static final double LR = 3e-4;

    private BenchModel() {}

    public static TransformerConfig config() {
        return TransformerConfig.of(SHAPE.vocab(), SHAPE.dModel(), SHAPE.nHeads(), SHAPE.nLayers(), SHAPE.seqLen());
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
