package org.rlhf4j.bench;

import java.util.List;

/** Registered in the test resources' META-INF/services to check ServiceLoader discovery. */
public final class FakeHotPathProvider implements HotPathProvider {
    /** The name of the path it provides, which encodes the shape it was given. */
    static String nameFor(BenchShape shape) {
        return "fake_" + shape.vocab() + "_tokens_per_s";
    }

    @Override
    public List<HotPath> hotPaths(BenchShape shape) {
        return List.of(new FakeHotPath(nameFor(shape), 10, 1_000_000_000L));
    }
}
