package org.rlhf4j.experiment.arm;

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

    /**
     * The gold monitor of {@code samples/configs/reviews-overoptimise.yaml} as measured on 2026-11-28 (metrics.jsonl,
     * rounded to 4 digits): PPO without a KL penalty at lr 5e-4 and PPO with its KL penalty at lr 1.5e-4, on the same
     * reward model, 60 iterations each. The run takes minutes, so this test checks the warning on its recorded series;
     * docs/results.md ("Over-optimisation") has the run's evaluation (no KL: KL 137, distinct-2 0.07; with KL: gold 0.836, KL 10.9).
     */
    @Test
    void firesOnTheMeasuredRunWithoutKlAndNotOnTheRegularisedOne() {
        List<OverOptimisation.Point> noKl = List.of(p(10, -0.1744, 0.4006), p(20, 0.5111, 1.448), p(30, 0.5451, 1.6942),
                p(40, 0.6095, 2.1457), p(50, 0.4567, 2.2822), p(60, 0.4867, 2.3635));
        List<OverOptimisation.Point> regularised = List.of(p(10, 0.3217, -0.0033), p(20, 0.315, 0.2965), p(30, 0.6144, 0.7347),
                p(40, 0.7108, 1.1286), p(50, 0.8087, 1.622), p(60, 0.8495, 1.5973));
        assertEquals(Optional.of("arm no-kl: over-optimisation: after step 40 the proxy reward rose by 0.218 while gold reward "
                + "fell by 0.123 (from 0.610 to 0.487 at step 60)"), OverOptimisation.warning("no-kl", noKl));
        assertTrue(OverOptimisation.warning("ppo", regularised).isEmpty());
    }
}
