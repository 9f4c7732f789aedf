package org.rlhf4j.bench.paths;

import static java.util.Objects.requireNonNull;

import java.util.List;
import org.rlhf4j.bench.BenchShape;
import org.rlhf4j.bench.HotPath;
import org.rlhf4j.bench.HotPathProvider;

/**
 * The engine's hot paths for {@code rlhf bench} (registered in {@code META-INF/services}): training step,
 * log-prob scoring, generation with and without the key/value cache, a DPO step, a reward-model step and one PPO iteration, keyed with
 * {@link org.rlhf4j.bench.BenchKeys} names, at whatever {@link BenchShape} the bench asks for.
 */
public final class EngineHotPaths implements HotPathProvider {
    @Override
    public List<HotPath> hotPaths(BenchShape shape) {
        requireNonNull(shape, "shape is null");
        return EnginePaths.all(shape).stream().map(s -> s.get()).toList();
    }
}
