package org.rlhf4j.bench;

/**
 * One hot path measured by {@code rlhf bench}: a unit of work that can be repeated and timed.
 *
 * <p>The bench harness calls {@link #warmUp()} once, then times {@link #runOnce()} several times and
 * reports the median throughput as {@code units / seconds}.
 */
public interface HotPath extends AutoCloseable {

    /** Stable key used in the JSON output, e.g. {@code train_tokens_per_s}. */
    String name();

    /** Unit of the throughput, e.g. {@code tokens/s}. */
    String unit();

    /** Runs untimed work so that JIT compilation and native initialisation are out of the way. */
    void warmUp();

    /**
     * Runs one timed repetition.
     *
     * @return the number of units processed (for example tokens), used to compute throughput
     */
    long runOnce();

    @Override
    default void close() {}
}
