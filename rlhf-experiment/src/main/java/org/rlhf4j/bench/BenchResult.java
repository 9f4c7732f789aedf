package org.rlhf4j.bench;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Throughput of one hot path over several timed repeats.
 *
 * @param name    the hot path's key
 * @param unit    e.g. {@code tokens/s}
 * @param median  median throughput (mean of the two middle values for an even count)
 * @param min     slowest repeat
 * @param max     fastest repeat
 * @param samples throughput of each repeat, in run order
 */
public record BenchResult(String name, String unit, double median, double min, double max, double[] samples) {

    public BenchResult {
        requireNonNull(name, "name is null");
        requireNonNull(unit, "unit is null");
        samples = requireNonNull(samples, "samples is null").clone();
    }

    /** Summarises throughput samples. */
    public static BenchResult of(String name, String unit, double[] samples) {
        if (samples.length == 0) {
            throw new IllegalArgumentException("no samples for " + name);
        }
        double[] sorted = samples.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        return new BenchResult(name, unit, median, sorted[0], sorted[n - 1], samples);
    }

    /** The same result multiplied by {@code factor} and given a new unit (e.g. flop/s to GFLOP/s). */
    public BenchResult scaled(double factor, String newUnit) {
        double[] scaled = samples.clone();
        for (int i = 0; i < scaled.length; i++) {
            scaled[i] *= factor;
        }
        return of(name, newUnit, scaled);
    }

    @Override
    public double[] samples() {
        return samples.clone();
    }

    /** {@code {"median": ..., "min": ..., "max": ..., "unit": ...}} as in the bench JSON. */
    public Map<String, Object> toJsonMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("median", median);
        m.put("min", min);
        m.put("max", max);
        m.put("unit", unit);
        return m;
    }
}
