package org.rlhf4j.algorithms.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The over-optimisation warning on gold-monitor series: it fires when the proxy rises past gold's peak while gold falls. */
class TestOverOptimisation {
    private static OverOptimisation.Point p(long step, double gold, double proxy) {
        return new OverOptimisation.Point(step, gold, proxy);
    }

    @Test
    void firesWhenGoldFallsMoreThanTheNoiseWhileTheProxyRises() {
        Optional<String> warning = OverOptimisation.warning("a", List.of(p(10, 0.20, 0.5), p(20, 0.45, 1.0), p(30, 0.30, 1.6)));
        assertEquals(Optional.of("arm a: over-optimisation: after step 20 the proxy reward rose by 0.600 while gold reward fell "
                + "by 0.150 (from 0.450 to 0.300 at step 30)"), warning);
    }

    @Test
    void staysQuietForNoiseForAFallingProxyAndForSteadyGains() {
        // a drop within the noise (0.1)
        assertTrue(OverOptimisation.warning("a", List.of(p(10, 0.40, 0.5), p(20, 0.33, 1.0))).isEmpty());
        // gold falls, but the proxy falls with it: the policy got worse, the proxy was not exploited
        assertTrue(OverOptimisation.warning("a", List.of(p(10, 0.40, 1.0), p(20, 0.20, 0.8))).isEmpty());
        // both rise
        assertTrue(OverOptimisation.warning("a", List.of(p(10, 0.10, 0.2), p(20, 0.30, 0.9), p(30, 0.45, 1.2))).isEmpty());
        assertTrue(OverOptimisation.warning("a", List.of()).isEmpty());
    }
}
