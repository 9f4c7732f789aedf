package org.rlhf4j.engine.checkpoint;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Everything needed to resume training at {@code step}.
 *
 * <p>Maps are copied into unmodifiable name-sorted maps; the arrays themselves are not copied (a
 * checkpoint being saved must not be modified concurrently).
 *
 * @param step           the training step (>= 0) the state belongs to
 * @param model          model parameters by name (e.g. {@code tok_emb}, {@code h0.attn.wqkv})
 * @param optimizerState optimizer state arrays by name (e.g. Adam moments)
 * @param rngState       random generator state, a few longs (copied on the way in and out)
 * @param configJson     the run's configuration as JSON text, stored byte for byte
 * @param metadata       free-form string pairs (metric values, git commit, ...)
 */
public record Checkpoint(
        long step,
        Map<String, INDArray> model,
        Map<String, INDArray> optimizerState,
        long[] rngState,
        String configJson,
        Map<String, String> metadata) {

    public Checkpoint {
        if (step < 0) {
            throw new IllegalArgumentException("step must be >= 0, got " + step);
        }
        model = sorted(requireNonNull(model, "model is null"));
        optimizerState = sorted(requireNonNull(optimizerState, "optimizerState is null"));
        rngState = requireNonNull(rngState, "rngState is null").clone();
        requireNonNull(configJson, "configJson is null");
        metadata = sorted(requireNonNull(metadata, "metadata is null"));
    }

    /** A copy of the RNG state. */
    @Override
    public long[] rngState() {
        return rngState.clone();
    }

    /** Value equality: arrays by {@link INDArray#equals} (ND4J's element-wise comparison), RNG state by content. */
    @Override
    public boolean equals(Object o) {
        return o instanceof Checkpoint c
                && step == c.step
                && model.equals(c.model)
                && optimizerState.equals(c.optimizerState)
                && Arrays.equals(rngState, c.rngState)
                && configJson.equals(c.configJson)
                && metadata.equals(c.metadata);
    }

    @Override
    public int hashCode() {
        return Objects.hash(step, model.keySet(), optimizerState.keySet(), Arrays.hashCode(rngState), configJson, metadata);
    }

    @Override
    public String toString() {
        return "Checkpoint{step=" + step + ", model=" + model.keySet() + ", optimizerState=" + optimizerState.keySet()
                + ", rngState=" + Arrays.toString(rngState) + ", metadata=" + metadata + "}";
    }

    private static <V> Map<String, V> sorted(Map<String, V> map) {
        return Collections.unmodifiableMap(new TreeMap<>(map));
    }
}
