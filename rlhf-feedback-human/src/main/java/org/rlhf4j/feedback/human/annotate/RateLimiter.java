package org.rlhf4j.feedback.human.annotate;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * A token bucket per key (a token holder's name): each request takes one token from its key's bucket, which
 * refills at {@link RateLimit#perSecond} up to {@link RateLimit#burst}. A request finding the bucket empty is
 * refused with how long until it would not be.
 */
final class RateLimiter {
    private final RateLimit limit;
    private final LongSupplier nanoTime;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    RateLimiter(RateLimit limit) {
        this(limit, System::nanoTime);
    }

    RateLimiter(RateLimit limit, LongSupplier nanoTime) {
        this.limit = requireNonNull(limit, "limit is null");
        this.nanoTime = requireNonNull(nanoTime, "nanoTime is null");
    }

    /** Takes a request from {@code key}'s bucket: empty when allowed, else how long until one is. */
    Optional<Duration> acquire(String key) {
        requireNonNull(key, "key is null");
        return buckets.computeIfAbsent(key, k -> new Bucket(limit.burst(), nanoTime.getAsLong())).take(limit, nanoTime.getAsLong());
    }

    /** One key's bucket. */
    private static final class Bucket {
        private double tokens;
        private long updated;

        Bucket(double tokens, long now) {
            this.tokens = tokens;
            this.updated = now;
        }

        synchronized Optional<Duration> take(RateLimit limit, long now) {
            tokens = Math.min(limit.burst(), tokens + (now - updated) / 1e9 * limit.perSecond());
            updated = now;
            if (tokens >= 1) {
                tokens -= 1;
                return Optional.empty();
            }
            return Optional.of(Duration.ofNanos((long) Math.ceil((1 - tokens) / limit.perSecond() * 1e9)));
        }
    }
}
