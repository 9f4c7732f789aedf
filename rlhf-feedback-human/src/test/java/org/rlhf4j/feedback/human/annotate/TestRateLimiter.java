package org.rlhf4j.feedback.human.annotate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The token bucket on a clock the test moves. */
class TestRateLimiter {
    @Test
    void aBurstThenTheSustainedRateAndKeysAreIndependent() {
        AtomicLong now = new AtomicLong(0);
        RateLimiter limiter = new RateLimiter(new RateLimit(2, 3), now::get);
        for (int i = 0; i < 3; i++) {
            assertEquals(Optional.empty(), limiter.acquire("alice"), "the burst");
        }
        assertEquals(Optional.of(Duration.ofMillis(500)), limiter.acquire("alice"), "empty: one token in 1/2 s");
        assertEquals(Optional.empty(), limiter.acquire("bob"), "another key has its own bucket");
        now.addAndGet(Duration.ofMillis(250).toNanos());
        assertEquals(Optional.of(Duration.ofMillis(250)), limiter.acquire("alice"));
        now.addAndGet(Duration.ofMillis(250).toNanos());
        assertEquals(Optional.empty(), limiter.acquire("alice"));
        now.addAndGet(Duration.ofSeconds(60).toNanos());
        for (int i = 0; i < 3; i++) {
            assertEquals(Optional.empty(), limiter.acquire("alice"), "refilled up to the burst, no more");
        }
        assertTrue(limiter.acquire("alice").isPresent());
        assertThrows(IllegalArgumentException.class, () -> new RateLimit(0, 1));
        assertThrows(IllegalArgumentException.class, () -> new RateLimit(1, 0));
    }
}
