package org.rlhf4j.api.feedback;

/** Argument checks shared by the records of this package. */
final class Checks {
    private Checks() {}

    static double finite(double value, String field) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException(field + " must be finite, got " + value);
        }
        return value;
    }

    static double unitInterval(double value, String field) {
        if (!(value >= 0.0 && value <= 1.0)) {
            throw new IllegalArgumentException(field + " must be in [0, 1], got " + value);
        }
        return value;
    }

    static String notBlank(String value, String field) {
        if (value == null) {
            throw new NullPointerException(field + " is null");
        }
        if (value.isBlank()) {
            throw new IllegalArgumentException(field + " is blank");
        }
        return value;
    }
}
