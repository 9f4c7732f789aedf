package org.rlhf4j.bench;

/**
 * A hot path that "takes" scripted durations on a fake clock: run {@code i} advances the clock by
 * {@code nanos[i]} and reports {@code units} units.
 */
final class FakeHotPath implements HotPath {
    final long[] clock = {0};
    private final String name;
    private final long units;
    private final long[] nanos;
    int warmUps;
    int runs;
    boolean closed;

    FakeHotPath(String name, long units, long... nanos) {
        this.name = name;
        this.units = units;
        this.nanos = nanos;
    }

    long now() {
        return clock[0];
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String unit() {
        return "tokens/s";
    }

    @Override
    public void warmUp() {
        warmUps++;
        clock[0] += 123_456_789; // warm-up time must not count
    }

    @Override
    public long runOnce() {
        clock[0] += nanos[runs++];
        return units;
    }

    @Override
    public void close() {
        closed = true;
    }
}
