package org.rlhf4j.algorithms.spi;

/**
 * Measures the policy being trained against the task's gold scorer beside its proxy reward, on held-out
 * prompts, so that over-optimisation (the proxy rising while gold falls) shows while it happens. The
 * algorithm only asks for a measurement; it never sees the gold figures.
 */
@FunctionalInterface
public interface GoldMonitor {
    /** Does nothing. */
    GoldMonitor NONE = (phase, step) -> {};

    /**
     * Samples the current policy on the held-out prompts and logs {@code monitor/gold_reward} and
     * {@code monitor/proxy_reward} in a metrics line of {@code phase} at training step {@code step}.
     */
    void measure(String phase, long step);
}
