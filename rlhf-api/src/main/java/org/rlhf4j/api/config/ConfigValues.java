package org.rlhf4j.api.config;

/**
 * Defaults and range checks for the optional values of config records, with the messages every config error
 * uses ({@code "lr must be in [0.0, 1.0], got 2.0"}); for plugins' config classes as for the core ones.
 */
public final class ConfigValues {
    private ConfigValues() {}

    /** {@code value}, or {@code defaultValue} when absent; at least {@code min}. */
    public static int atLeast(String key, Integer value, int defaultValue, int min) {
        if (value == null) {
            return defaultValue;
        }
        if (value < min) {
            throw new IllegalArgumentException(key + " must be >= " + min + ", got " + value);
        }
        return value;
    }

    /** {@code value}, or {@code defaultValue} when absent; within {@code [min, max]} (NaN never is). */
    public static double within(String key, Double value, double defaultValue, double min, double max) {
        if (value == null) {
            return defaultValue;
        }
        if (!(value >= min && value <= max)) {
            throw new IllegalArgumentException(key + " must be in [" + min + ", " + max + "], got " + value);
        }
        return value;
    }

    /** {@code value} when present (within {@code [min, max]}), else null: a setting that is off unless given. */
    public static Double optionalWithin(String key, Double value, double min, double max) {
        return value == null ? null : within(key, value, Double.NaN, min, max);
    }
}
