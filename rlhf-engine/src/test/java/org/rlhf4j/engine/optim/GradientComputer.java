package org.rlhf4j.engine.optim;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Computes the loss and the gradients of a SameDiff graph's loss in ONE forward+backward pass.
 *
 * <p>{@code SameDiff.calculateGradients} in M2.1 disables the session's array cache on every call
 * (so every op allocates fresh arrays) and cannot return the loss in the same pass. This class runs the
 * graph's gradient function directly with the cache left on, and asks it for the loss and any extra
 * outputs together with the gradients.
 *
 * <p>Returned arrays may be reused by the session: consume or copy them before the next call.
 */
public final class GradientComputer {
    /** Loss value, gradients by parameter name, and any extra requested outputs. */
    public record Result(double loss, Map<String, INDArray> gradients, Map<String, INDArray> outputs) {}

    private final SameDiff sd;
    private final String lossName;
    private final List<String> params;
    private final List<String> gradNames = new ArrayList<>();
    private final SameDiff gradFn;

    /**
     * @param sd a graph whose loss variable is set ({@code sd.setLossVariables})
     * @param lossName the name of the scalar loss variable
     * @param params names of the variables to differentiate
     * @param cacheEnabled keep the session array cache (fast); false reproduces calculateGradients' behaviour
     */
    public GradientComputer(SameDiff sd, String lossName, List<String> params, boolean cacheEnabled) {
        this.sd = requireNonNull(sd, "sd is null");
        this.lossName = requireNonNull(lossName, "lossName is null");
        this.params = List.copyOf(requireNonNull(params, "params is null"));
        if (sd.getFunction("grad") == null) {
            QuietStdout.run("Added differentiated op ", sd::createGradFunction);
        }
        this.gradFn = sd.getFunction("grad");
        gradFn.setEnableCache(cacheEnabled);
        for (String p : this.params) {
            SDVariable g = sd.getVariable(p).getGradient();
            if (g == null) {
                throw new IllegalArgumentException("no gradient for " + p + " (not connected to the loss?)");
            }
            gradNames.add(g.name());
        }
    }

    public GradientComputer(SameDiff sd, String lossName, List<String> params) {
        this(sd, lossName, params, true);
    }

    /** One forward+backward pass. */
    public Result compute(Map<String, INDArray> placeholders, String... extraOutputs) {
        List<String> outs = new ArrayList<>(gradNames.size() + 1 + extraOutputs.length);
        outs.add(lossName);
        outs.addAll(List.of(extraOutputs));
        outs.addAll(gradNames);
        Map<String, INDArray> r = gradFn.output(placeholders, outs.toArray(new String[0]));
        Map<String, INDArray> grads = new LinkedHashMap<>();
        java.util.Set<INDArray> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        for (int i = 0; i < params.size(); i++) {
            INDArray g = r.get(gradNames.get(i));
            // callers may update gradients in place: never hand out one array under two names
            grads.put(params.get(i), seen.add(g) ? g : g.dup());
        }
        Map<String, INDArray> extra = new LinkedHashMap<>();
        for (String o : extraOutputs) {
            extra.put(o, r.get(o));
        }
        return new Result(r.get(lossName).getDouble(0), grads, extra);
    }

    public List<String> params() {
        return params;
    }
}
