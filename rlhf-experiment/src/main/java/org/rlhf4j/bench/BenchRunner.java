package org.rlhf4j.bench;

import static java.util.Objects.requireNonNull;

import java.util.function.LongSupplier;

/**
 * Times hot paths: {@link HotPath#warmUp()} once, then {@code repeats} timed calls of
 * {@link HotPath#runOnce()}, each giving a throughput of {@code units / seconds}.
 */
public final class BenchRunner {
    /** Timed repeats when none are given. */
    public static final int DEFAULT_REPEATS = 5;

    private final int repeats;
    private final LongSupplier nanoClock;

    /** A runner with {@link #DEFAULT_REPEATS} repeats and {@link System#nanoTime()}. */
    public BenchRunner() {
        this(DEFAULT_REPEATS);
    }

    public BenchRunner(int repeats) {
        this(repeats, System::nanoTime);
    }

    /** @param nanoClock monotonic clock in nanoseconds (tests pass a fake one) */
    public BenchRunner(int repeats, LongSupplier nanoClock) {
        if (repeats < 1) {
            throw new IllegalArgumentException("repeats must be >= 1, got " + repeats);
        }
        this.repeats = repeats;
        this.nanoClock = requireNonNull(nanoClock, "nanoClock is null");
    }

    public int repeats() {
        return repeats;
    }

    /** Warms {@code path} up and times it; does not close it. */
    public BenchResult run(HotPath path) {
        requireNonNull(path, "path is null");
        path.warmUp();
        double[] samples = new double[repeats];
        for (int i = 0; i < repeats; i++) {
            long start = nanoClock.getAsLong();
            long units = path.runOnce();
            long elapsed = nanoClock.getAsLong() - start;
            if (units <= 0) {
                throw new IllegalStateException(path.name() + " processed " + units + " units");
            }
            samples[i] = units / (Math.max(elapsed, 1) / 1e9);
        }
        return BenchResult.of(path.name(), path.unit(), samples);
    }
}
