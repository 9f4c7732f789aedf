package org.rlhf4j.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;
import java.util.OptionalDouble;

/** Reading and printing the run's numbers: summary.json writes NaN as the string {@code "NaN"}. */
final class Numbers {
    private Numbers() {}

    /** The finite number at {@code node}, empty when it is missing, not a number or NaN/infinite. */
    static OptionalDouble of(JsonNode node) {
        double value;
        if (node == null || node.isMissingNode() || node.isNull()) {
            return OptionalDouble.empty();
        }
        if (node.isNumber()) {
            value = node.doubleValue();
        }
        else if (node.isTextual()) {
            try {
                value = Double.parseDouble(node.asText());
            }
            catch (NumberFormatException e) {
                return OptionalDouble.empty();
            }
        }
        else {
            return OptionalDouble.empty();
        }
        return Double.isFinite(value) ? OptionalDouble.of(value) : OptionalDouble.empty();
    }

    /** {@code value} with 3 decimals, or an en dash when absent. */
    static String format(JsonNode node) {
        OptionalDouble value = of(node);
        if (value.isEmpty()) {
            return "\u2013";
        }
        if (node.isIntegralNumber()) {
            return Long.toString(node.asLong());
        }
        return String.format(Locale.ROOT, "%.3f", value.getAsDouble());
    }
}
