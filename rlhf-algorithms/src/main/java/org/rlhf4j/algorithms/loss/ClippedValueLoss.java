package org.rlhf4j.algorithms.loss;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * PPO's clipped value loss, as TRL's {@code PPOTrainer}: the critic's new value {@code v} is also clipped to within
 * {@code eps} of the value {@code v_old} it gave when the rollouts were scored,
 * {@code L = 0.5 sum_tokens max((v - R)^2, (v_old + clip(v - v_old, -eps, eps) - R)^2) / N} with returns {@code R}
 * and {@code N} response tokens in the minibatch. The gradient flows through the larger term:
 * {@code (v - R) / N} where the unclipped term is the larger, else 0 (the clipped term is then constant in {@code v}).
 */
public final class ClippedValueLoss {
    private ClippedValueLoss() {}

    /**
     * What {@link #compute} gives.
     *
     * @param loss the loss
     * @param dValues dL/dv per episode and token
     * @param metrics divided by {@code N}: {@code clipfrac} (the share of tokens whose clipped term is the larger),
     *     {@code error} (the mean squared error of the unclipped value)
     */
    public record Result(double loss, double[][] dValues, Map<String, Double> metrics) {}

    public static Result compute(double[][] values, double[][] oldValues, double[][] returns, double clip, long tokens) {
        if (oldValues.length != values.length || returns.length != values.length) {
            throw new IllegalArgumentException("inputs of different lengths");
        }
        if (tokens <= 0) {
            throw new IllegalArgumentException("a minibatch of " + tokens + " tokens");
        }
        double loss = 0;
        double clipped = 0;
        double error = 0;
        double[][] dValues = new double[values.length][];
        for (int i = 0; i < values.length; i++) {
            dValues[i] = new double[values[i].length];
            for (int t = 0; t < values[i].length; t++) {
                double v = values[i][t];
                double vClip = oldValues[i][t] + Math.max(-clip, Math.min(clip, v - oldValues[i][t]));
                double plain = (v - returns[i][t]) * (v - returns[i][t]);
                double bounded = (vClip - returns[i][t]) * (vClip - returns[i][t]);
                if (plain >= bounded) {
                    loss += 0.5 * plain;
                    dValues[i][t] = (v - returns[i][t]) / tokens;
                }
                else { // only outside the clip range (inside it v_clip = v): the clipped term is constant in v
                    loss += 0.5 * bounded;
                    clipped++;
                }
                error += plain;
            }
        }
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("clipfrac", clipped / tokens);
        metrics.put("error", error / tokens);
        return new Result(loss / tokens, dValues, metrics);
    }
}
