package org.rlhf4j.engine.optim;

import static java.util.Objects.requireNonNull;

import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.updaters.AdamUpdater;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.rlhf4j.engine.model.TransformerWeights;

/**
 * AdamW (Loshchilov and Hutter): Adam with decoupled weight decay, global-norm gradient clipping and an
 * {@link LrSchedule}, applied in place to the arrays of a {@link TransformerWeights}.
 *
 * <p>Weight decay applies to parameters of rank >= 2 (matrices and embeddings), not to biases and
 * layer-norm gains, as is usual. The whole state (first and second moments plus the step count) can be
 * exported and re-imported exactly.
 *
 * <p>Update for parameter p with gradient g at step t (1-based), learning rate lr:
 * m = b1 m + (1-b1) g; v = b2 v + (1-b2) g^2; p -= lr * wd * p (decay, matrices only);
 * p -= lr * sqrt(1-b2^t)/(1-b1^t) * m / (sqrt(v) + eps) (Kingma and Ba's efficient form, one fused native op).
 * The gradient arrays passed to {@link #update} are consumed (overwritten with the update).
 *
 * <p>Speed: moments and a gradient buffer are each ONE flat array with a view per parameter. An update
 * with a gradient for every parameter runs the norm, the clipping and the fused Adam op once over the
 * flat arrays (instead of once per parameter); a caller that writes its gradients straight into
 * {@link #gradientBuffers()} also saves the copy. Updates of a subset of the parameters take the
 * per-parameter route; both give the same result up to float summation order in the norm.
 */
public final class AdamW {
    /** AdamW hyper-parameters. */
    public record Config(LrSchedule schedule, double beta1, double beta2, double eps, double weightDecay, double maxGradNorm) {
        public Config {
            requireNonNull(schedule, "schedule is null");
            if (beta1 < 0 || beta1 >= 1 || beta2 < 0 || beta2 >= 1 || !(eps > 0) || weightDecay < 0) {
                throw new IllegalArgumentException("bad AdamW config");
            }
        }

        /** Usual transformer settings: betas (0.9, 0.95), eps 1e-8, weight decay 0.01, clip at 1.0. */
        public static Config defaults(LrSchedule schedule) {
            return new Config(schedule, 0.9, 0.95, 1e-8, 0.01, 1.0);
        }
    }

    private final Config config;
    private final TransformerWeights weights;
    private final Map<String, INDArray> m = new LinkedHashMap<>();
    private final Map<String, INDArray> v = new LinkedHashMap<>();
    private final Map<String, INDArray> g = new LinkedHashMap<>();
    private final INDArray mFlat;
    private final INDArray vFlat;
    private final INDArray gFlat;
    private long step;

    public AdamW(TransformerWeights weights, Config config) {
        this.weights = requireNonNull(weights, "weights is null");
        this.config = requireNonNull(config, "config is null");
        if (weights.isFrozen()) {
            throw new IllegalArgumentException("cannot optimise frozen (reference) weights");
        }
        long total = weights.numParams();
        mFlat = Nd4j.zeros(weights.dataType(), total);
        vFlat = Nd4j.zeros(weights.dataType(), total);
        gFlat = Nd4j.zeros(weights.dataType(), total);
        long offset = 0;
        for (String name : weights.names()) {
            INDArray p = weights.get(name);
            m.put(name, slice(mFlat, offset, p));
            v.put(name, slice(vFlat, offset, p));
            g.put(name, slice(gFlat, offset, p));
            offset += p.length();
        }
    }

    private static INDArray slice(INDArray flat, long offset, INDArray like) {
        INDArray view = flat.get(NDArrayIndex.interval(offset, offset + like.length())).reshape('c', like.shape());
        view.putScalar(0, 1.0); // make sure the view writes through to the flat array
        boolean shared = flat.getDouble(offset) == 1.0;
        flat.putScalar(offset, 0.0);
        if (!shared) {
            throw new IllegalStateException("reshape copied a flat-buffer view");
        }
        return view;
    }

    /**
     * Gradient arrays, one per parameter (views of one flat buffer, shaped like the parameters): a
     * gradient computed INTO these and passed to {@link #update} skips a copy. Their contents are
     * overwritten by every update.
     */
    public Map<String, INDArray> gradientBuffers() {
        return java.util.Collections.unmodifiableMap(g);
    }

    public Config config() {
        return config;
    }

    /** Number of updates applied so far. */
    public long step() {
        return step;
    }

    /** Learning rate the next update will use. */
    public double currentLr() {
        return config.schedule().lr(step);
    }

    /**
     * Clips {@code grads} in place to global L2 norm {@code maxGradNorm} (if positive), then applies one
     * AdamW update to the named parameters. Parameters without a gradient are left untouched (their
     * moments too). Returns the global gradient norm BEFORE clipping.
     */
    public double update(Map<String, INDArray> grads) {
        requireNonNull(grads, "grads is null");
        if (grads.keySet().equals(g.keySet())) {
            return updateAll(grads, Double.NaN);
        }
        return updateSome(grads, GradClip.globalNorm(grads.values()));
    }

    /**
     * The global L2 norm of {@code grads}, as {@link #update} computes it before clipping: one BLAS dot product over the
     * flat buffer when {@code grads} are this optimizer's {@link #gradientBuffers()} (the usual case), else one norm per
     * array.
     */
    public double gradientNorm(Map<String, INDArray> grads) {
        requireNonNull(grads, "grads is null");
        return ownBuffers(grads) ? flatNorm() : GradClip.globalNorm(grads.values());
    }

    /**
     * {@link #update(Map)} with the norm already known: {@code norm} must be {@link #gradientNorm} of the same, unchanged
     * {@code grads} (a caller that checks the norm before updating computes it once).
     */
    public double update(Map<String, INDArray> grads, double norm) {
        requireNonNull(grads, "grads is null");
        if (ownBuffers(grads)) {
            return updateAll(grads, norm);
        }
        return grads.keySet().equals(g.keySet()) ? updateAll(grads, Double.NaN) : updateSome(grads, norm);
    }

    private boolean ownBuffers(Map<String, INDArray> grads) {
        if (!grads.keySet().equals(g.keySet())) {
            return false;
        }
        for (Map.Entry<String, INDArray> e : grads.entrySet()) {
            if (e.getValue() != g.get(e.getKey())) {
                return false;
            }
        }
        return true;
    }

    private double flatNorm() {
        return Math.sqrt(Nd4j.getBlasWrapper().dot(gFlat, gFlat));
    }

    private double updateSome(Map<String, INDArray> grads, double norm) {
        if (config.maxGradNorm() > 0 && norm > config.maxGradNorm()) {
            double scale = config.maxGradNorm() / (norm + 1e-6);
            grads.values().forEach(g -> g.muli(scale));
        }
        double lr = config.schedule().lr(step);
        int iteration = (int) step; // 0-based index of this update, as the native op expects
        step++;
        for (Map.Entry<String, INDArray> e : grads.entrySet()) {
            String name = e.getKey();
            INDArray g = e.getValue();
            INDArray p = weights.get(name);
            // one fused native op: updates m and v in place and turns g into the Adam step
            // lr * sqrt(1-b2^t)/(1-b1^t) * m / (sqrt(v) + eps)
            Nd4j.exec(new AdamUpdater(g, v.get(name), m.get(name), lr, config.beta1(), config.beta2(), config.eps(), iteration));
            if (config.weightDecay() > 0 && p.rank() >= 2) {
                p.muli(1 - lr * config.weightDecay());
            }
            p.subi(g);
        }
        return norm;
    }

    /** Every parameter has a gradient: one pass over the flat buffers ({@code knownNorm} NaN: compute the norm). */
    private double updateAll(Map<String, INDArray> grads, double knownNorm) {
        for (Map.Entry<String, INDArray> e : grads.entrySet()) {
            INDArray buffer = g.get(e.getKey());
            if (e.getValue() != buffer) {
                buffer.assign(e.getValue());
            }
        }
        double norm = Double.isNaN(knownNorm) ? flatNorm() : knownNorm;
        if (config.maxGradNorm() > 0 && norm > config.maxGradNorm()) {
            gFlat.muli(config.maxGradNorm() / (norm + 1e-6));
        }
        double lr = config.schedule().lr(step);
        int iteration = (int) step;
        step++;
        Nd4j.exec(new AdamUpdater(gFlat, vFlat, mFlat, lr, config.beta1(), config.beta2(), config.eps(), iteration));
        for (Map.Entry<String, INDArray> e : g.entrySet()) {
            INDArray p = weights.get(e.getKey());
            if (config.weightDecay() > 0 && p.rank() >= 2) {
                p.muli(1 - lr * config.weightDecay());
            }
            p.subi(e.getValue());
        }
        return norm;
    }

    /** The moments, named {@code adam.m.<param>} and {@code adam.v.<param>} (copies). */
    public Map<String, INDArray> exportArrays() {
        Map<String, INDArray> out = new LinkedHashMap<>();
        m.forEach((k, a) -> out.put("adam.m." + k, a.dup()));
        v.forEach((k, a) -> out.put("adam.v." + k, a.dup()));
        return out;
    }

    /** Restores moments (from {@link #exportArrays()}) and the step count. */
    public void importState(Map<String, INDArray> arrays, long step) {
        requireNonNull(arrays, "arrays is null");
        for (String name : m.keySet()) {
            INDArray ma = arrays.get("adam.m." + name);
            INDArray va = arrays.get("adam.v." + name);
            if (ma == null || va == null) {
                throw new IllegalArgumentException("missing AdamW moments for " + name);
            }
            m.get(name).assign(ma);
            v.get(name).assign(va);
        }
        this.step = step;
    }
}
