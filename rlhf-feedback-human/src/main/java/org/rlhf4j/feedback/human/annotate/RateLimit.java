package org.rlhf4j.feedback.human.annotate;

/**
 * How many requests one token may make: a bucket of {@code burst} requests, refilled at {@code perSecond}.
 *
 * @param perSecond the sustained rate
 * @param burst how many requests may come at once after a pause
 */
public record RateLimit(double perSecond, int burst) {
    /** The default: far above what a person labelling makes (a page load is two requests, a label one or two). */
    public static final RateLimit DEFAULT = new RateLimit(20, 60);

    public RateLimit {
        if (!(perSecond > 0) || Double.isInfinite(perSecond)) {
            throw new IllegalArgumentException("a rate limit's requests per second must be positive, got " + perSecond);
        }
        if (burst < 1) {
            throw new IllegalArgumentException("a rate limit's burst must be at least 1, got " + burst);
        }
    }
}
