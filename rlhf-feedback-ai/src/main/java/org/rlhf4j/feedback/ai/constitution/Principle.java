package org.rlhf4j.feedback.ai.constitution;

/**
 * One principle of a constitution: what a good response does and, optionally, what it must not do.
 *
 * <p>An HTTP judge shows the principle to the model as a line of its prompt ({@link #describe()}); the local
 * judge compares the response's embedding with those of {@code asks} and {@code forbids}.
 *
 * @param name a short name, unique in the constitution (required)
 * @param dimension {@code helpfulness} (default) or {@code harmlessness}
 * @param asks what a response that follows the principle is, in a sentence (required), e.g.
 *     "A specific review that describes the product's features."
 * @param forbids what a response that breaks it is, in a sentence (optional)
 * @param weight the principle's weight in its dimension, {@code > 0} (default 1)
 */
public record Principle(String name, Dimension dimension, String asks, String forbids, Double weight) {
    public Principle {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a principle needs a 'name'");
        }
        if (asks == null || asks.isBlank()) {
            throw new IllegalArgumentException("principle '" + name + "' needs 'asks' (what a good response is, in a sentence)");
        }
        dimension = dimension == null ? Dimension.HELPFULNESS : dimension;
        forbids = forbids == null || forbids.isBlank() ? null : forbids.strip();
        asks = asks.strip();
        weight = weight == null ? 1.0 : weight;
        if (!(weight > 0) || weight.isInfinite()) {
            throw new IllegalArgumentException("principle '" + name + "': weight must be a finite number > 0, got " + weight);
        }
    }

    /** A principle of the given dimension, weight 1. */
    public static Principle of(String name, Dimension dimension, String asks, String forbids) {
        return new Principle(name, dimension, asks, forbids, 1.0);
    }

    /** The principle as a line of a judge's prompt: "name: asks. Not: forbids." */
    public String describe() {
        return name + ": " + asks + (forbids == null ? "" : " Not: " + forbids);
    }
}
