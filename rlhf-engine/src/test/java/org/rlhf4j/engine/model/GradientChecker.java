package org.rlhf4j.engine.model;

import static java.util.Objects.requireNonNull;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.DoubleSupplier;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.rlhf4j.engine.random.Rng;

/**
 * Compares analytic gradients with central finite differences of the loss itself, in double precision: for
 * sampled entries {@code i} of every parameter {@code p}, {@code (L(p_i + eps) - L(p_i - eps)) / 2 eps} against the
 * analytic {@code dL/dp_i}. Half the samples of a parameter fall where its analytic gradient is nonzero (so a
 * sparse gradient, the embedding rows of the tokens present, is checked where it lives), half anywhere (so a
 * gradient wrongly left at zero shows up); a parameter with no more entries than the samples asked for is
 * checked entry by entry. Injected into tests by {@link GradientCheckExtension}, configured by
 * {@link GradientCheckSettings}; every check's {@link Report} is kept and published after the test.
 *
 * <p>The loss closure is evaluated at perturbed parameters, in place: it must read the parameter arrays given
 * (a {@link TransformerWeights}' shared arrays, or a map of named arrays) every time it runs. It may overwrite
 * the analytic gradient arrays (a training step writes into the same buffers each call): they are copied first.
 */
public final class GradientChecker {
    /**
     * The outcome of one check.
     *
     * @param label what was checked
     * @param parameters parameters checked
     * @param entries entries checked
     * @param worstRelative the largest relative error over entries whose gradient is above {@code 1e-6}
     * @param worstEntry the entry with that error, as {@code name[index]: analytic a numeric n}
     * @param worstAbsolute the largest {@code |numeric - analytic|} over all checked entries
     * @param loss the loss at the unperturbed parameters
     */
    public record Report(String label, int parameters, int entries, double worstRelative, String worstEntry, double worstAbsolute,
            double loss) {
        /** One line for logs and test reports. */
        public String summary() {
            return String.format(Locale.ROOT, "%s: loss %.9g, %d entries of %d parameters, worst relative error %.3g (%s), worst absolute %.3g",
                    label, loss, entries, parameters, worstRelative, worstEntry, worstAbsolute);
        }
    }

    @GradientCheckSettings
    private static final class Defaults {}

    private static final double SIGNIFICANT = 1e-6;

    private final GradientCheckSettings settings;
    private final List<Report> reports = new ArrayList<>();

    /** A checker with the given settings. */
    public GradientChecker(GradientCheckSettings settings) {
        this.settings = requireNonNull(settings, "settings is null");
        if (settings.samplesPerParameter() < 1 || !(settings.epsilon() > 0) || !(settings.tolerance() > 0)) {
            throw new IllegalArgumentException("bad gradient check settings: " + settings);
        }
    }

    /** A checker with the {@link GradientCheckSettings} defaults. */
    public static GradientChecker withDefaults() {
        return new GradientChecker(Defaults.class.getAnnotation(GradientCheckSettings.class));
    }

    /** The settings in use. */
    public GradientCheckSettings settings() {
        return settings;
    }

    /** The reports of the checks run so far, oldest first. */
    public List<Report> reports() {
        return Collections.unmodifiableList(reports);
    }

    /**
     * Checks the gradient of EVERY parameter of {@code weights} (double precision): {@code analytic} must name
     * exactly the model's parameters.
     */
    public Report check(String label, TransformerWeights weights, Map<String, INDArray> analytic, DoubleSupplier loss) {
        requireNonNull(weights, "weights is null");
        requireNonNull(analytic, "analytic is null");
        assertEquals(new TreeSet<>(weights.names()), new TreeSet<>(analytic.keySet()), label + ": an analytic gradient for every parameter");
        return check(label, weights, analytic, loss, weights.names());
    }

    /** Checks the gradients of the named parameters of {@code weights} only (where a full check would be too slow). */
    public Report check(String label, TransformerWeights weights, Map<String, INDArray> analytic, DoubleSupplier loss,
            Collection<String> parameters) {
        requireNonNull(weights, "weights is null");
        assertEquals(DataType.DOUBLE, weights.dataType(), label + ": gradient checks need double precision");
        return run(label, weights.asMap(), analytic, loss, parameters);
    }

    /**
     * Checks the gradient of every array of {@code parameters} (any named double arrays the loss reads, e.g. the
     * scores a pairwise loss takes): {@code analytic} must have the same names and shapes.
     */
    public Report check(String label, Map<String, INDArray> parameters, Map<String, INDArray> analytic, DoubleSupplier loss) {
        requireNonNull(parameters, "parameters is null");
        return run(label, parameters, analytic, loss, parameters.keySet());
    }

    private Report run(String label, Map<String, INDArray> params, Map<String, INDArray> analytic, DoubleSupplier loss,
            Collection<String> names) {
        requireNonNull(label, "label is null");
        requireNonNull(analytic, "analytic is null");
        requireNonNull(loss, "loss is null");
        assertTrue(!names.isEmpty(), label + ": no parameter to check");
        Map<String, INDArray> grads = new LinkedHashMap<>();
        for (String name : names) {
            INDArray p = params.get(name);
            INDArray g = analytic.get(name);
            assertTrue(p != null, label + ": no parameter " + name);
            assertTrue(g != null, label + ": no analytic gradient for " + name);
            assertEquals(DataType.DOUBLE, p.dataType(), label + ": " + name + " is not double precision");
            assertTrue(java.util.Arrays.equals(p.shape(), g.shape()), label + ": gradient of " + name + " has another shape");
            grads.put(name, g.castTo(DataType.DOUBLE).dup('c'));
            assertTrue(Double.isFinite(grads.get(name).sumNumber().doubleValue()), label + ": non-finite analytic gradient of " + name);
        }
        double base = loss.getAsDouble();
        assertTrue(Double.isFinite(base), label + ": loss " + base);
        double eps = settings.epsilon();
        double absolute = settings.absoluteTolerance() * Math.max(1, Math.abs(base));
        Rng pick = new Rng(settings.seed());
        List<String> failures = new ArrayList<>();
        double worstRel = 0;
        double worstAbs = 0;
        String worstEntry = "none above " + SIGNIFICANT;
        int entries = 0;
        for (String name : names) {
            INDArray p = params.get(name);
            INDArray g = grads.get(name);
            int length = Math.toIntExact(p.length());
            int[] nonzero = nonzeroEntries(g);
            boolean every = settings.samplesPerParameter() >= length;
            for (int s = 0; s < (every ? length : settings.samplesPerParameter()); s++) {
                boolean whereNonzero = s % 2 == 0 && nonzero.length > 0;
                int i = every ? s : whereNonzero ? nonzero[pick.nextInt(nonzero.length)] : pick.nextInt(length);
                double original = p.getDouble(i);
                p.putScalar(i, original + eps);
                double up = loss.getAsDouble();
                p.putScalar(i, original - eps);
                double down = loss.getAsDouble();
                p.putScalar(i, original);
                double numeric = (up - down) / (2 * eps);
                double a = g.getDouble(i);
                double diff = Math.abs(numeric - a);
                double rel = diff / Math.max(Math.abs(numeric) + Math.abs(a), 1e-300);
                entries++;
                worstAbs = Math.max(worstAbs, diff);
                String entry = String.format(Locale.ROOT, "%s[%d]: analytic %.9g numeric %.9g", name, i, a, numeric);
                if (Math.abs(numeric) + Math.abs(a) > SIGNIFICANT && rel >= worstRel) {
                    worstRel = rel;
                    worstEntry = entry;
                }
                if (!(rel < settings.tolerance() || diff < absolute)) {
                    failures.add(entry + String.format(Locale.ROOT, " (relative error %.3g)", rel));
                }
            }
        }
        assertEquals(base, loss.getAsDouble(), 0.0, label + ": the loss changed after the check restored the parameters");
        Report report = new Report(label, names.size(), entries, worstRel, worstEntry, worstAbs, base);
        reports.add(report);
        if (!failures.isEmpty()) {
            fail(label + ": " + failures.size() + " of " + entries + " entries differ from finite differences (tolerance "
                    + settings.tolerance() + "):\n  " + String.join("\n  ", failures.subList(0, Math.min(10, failures.size()))));
        }
        return report;
    }

    private static int[] nonzeroEntries(INDArray g) {
        double[] values = g.reshape(g.length()).toDoubleVector();
        return java.util.stream.IntStream.range(0, values.length).filter(i -> values[i] != 0).toArray();
    }

    /**
     * Moves {@code weights} away from their tiny initialisation, in place, so that every term (attention, layer
     * norm, the heads) has visible curvature: gains and biases get {@code + 0.3 N(0,1)}, matrices become
     * {@code 0.5 N(0,1)}. Returns {@code weights}.
     */
    public static TransformerWeights curved(TransformerWeights weights, long seed) {
        Rng r = new Rng(seed);
        for (INDArray a : weights.asMap().values()) {
            for (long i = 0; i < a.length(); i++) {
                double v = a.getDouble(i);
                a.putScalar(i, a.rank() == 1 ? v + 0.3 * r.nextGaussian() : 0.5 * r.nextGaussian());
            }
        }
        return weights;
    }

    /** Double-precision weights initialised from {@code seed} and then {@link #curved} with {@code seed + 1}. */
    public static TransformerWeights curvedWeights(TransformerConfig config, Heads heads, long seed) {
        return curved(TransformerWeights.init(config, heads, new Rng(seed), DataType.DOUBLE), seed + 1);
    }
}
