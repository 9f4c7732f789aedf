package org.rlhf4j.bench.paths;

import static java.util.Objects.requireNonNull;

import org.rlhf4j.bench.BenchShape;
import org.rlhf4j.engine.model.Heads;
import org.rlhf4j.engine.model.TransformerConfig;
import org.rlhf4j.engine.model.TransformerWeights;
import org.rlhf4j.engine.random.Rng;

/**
 * The model of the engine's hot paths at one {@link BenchShape} (docs/model.md with the shape's sizes),
 * which torch_reference.py mirrors.
 */
public final class BenchModel {
    /** AdamW learning rate of the training path. */
    public static final double LR = BenchShape.LEARNING_RATE;

    private final BenchShape shape;

    public BenchModel(BenchShape shape) {
        this.shape = requireNonNull(shape, "shape is null");
    }

    public BenchShape shape() {
        return shape;
    }

    public int batch() {
        return shape.batch();
    }

    public int seqLen() {
        return shape.seqLen();
    }

    public TransformerConfig config() {
        return TransformerConfig.of(shape.vocab(), shape.dModel(), shape.nHeads(), shape.nLayers(), shape.seqLen());
    }

    public TransformerWeights weights(long seed) {
        return TransformerWeights.init(config(), Heads.LM, new Rng(seed));
    }

    /** Uniformly random token ids {@code [rows][cols]}. */
    public int[][] randomIds(Rng rng, int rows, int cols) {
        int[][] ids = new int[rows][cols];
        for (int[] row : ids) {
            for (int j = 0; j < cols; j++) {
                row[j] = rng.nextInt(shape.vocab());
            }
        }
        return ids;
    }
}
