package org.rlhf4j.bench;

import java.util.List;

/**
 * Supplies hot paths to {@code rlhf bench}. Implementations are listed in
 * {@code META-INF/services/org.rlhf4j.bench.HotPathProvider} and found with
 * {@link java.util.ServiceLoader}; they need a public no-argument constructor.
 */
public interface HotPathProvider {

    /**
     * Builds the hot paths for {@code shape}. Building should be cheap; heavy set-up belongs in
     * {@link HotPath#warmUp()}. The caller closes every returned path.
     */
    List<HotPath> hotPaths(BenchShape shape);
}
