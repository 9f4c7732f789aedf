package org.rlhf4j.algorithms.bench.paths;

import static java.util.Objects.requireNonNull;

import java.util.List;
import org.rlhf4j.algorithms.bench.BenchShape;
import org.rlhf4j.algorithms.bench.HotPath;
import org.rlhf4j.algorithms.bench.HotPathProvider;

/**
 * The engine's hot paths for {@code rlhf bench} (registered in {@code META-INF/services}): training step,
 * log-prob scoring, generation without and with the key/value cache, keyed with
 * {@link org.rlhf4j.algorithms.bench.BenchKeys} names. They run at {@link BenchModel}'s size, which is
 * {@link BenchShape#DEFAULT}; other shapes are refused.
 */
public final class EngineHotPaths implements HotPathProvider {
    @Override
    public List<HotPath> hotPaths(BenchShape shape) {
        requireNonNull(shape, "shape is null");
        BenchShape ours = new BenchShape(BenchModel.VOCAB, BenchModel.config().dModel(), BenchModel.config().nHeads(),
                BenchModel.config().nLayers(), BenchModel.SEQ, BenchModel.BATCH, GenerationPath.PROMPT_LEN);
        if (!ours.equals(shape)) {
            throw new IllegalArgumentException("engine hot paths run at " + ours + " only, not " + shape);
        }
        return EnginePaths.all().stream().map(s -> s.get()).toList();
    }
}
