package org.rlhf4j.feedback.gan;

import static java.util.Objects.requireNonNull;

import java.util.LinkedHashMap;
import java.util.Map;
import org.rlhf4j.engine.math.Sigmoid;

/**
 * A discriminator's binary cross-entropy on its logits (RLGAF: real expert demonstrations against the policy's
 * fake samples): per row {@code -[t log sigmoid(z) + (1 - t) log sigmoid(-z)] + logitL2 * z^2 / 2} with soft target
 * {@code t} (1 real, 0 fake; {@code 1 - s} for a real row under one-sided label smoothing {@code s}); the sum over
 * rows is divided by {@code normaliser} (the batch's row count, also when the batch is cut into shards). The logit
 * L2 term keeps the logits, hence {@code D = sigmoid(z)}, away from saturation.
 */
public final class DiscriminatorLoss {
    private DiscriminatorLoss() {}

    /**
     * What the loss computed.
     *
     * @param loss the loss
     * @param dLogits dLoss/dz of every row
     * @param metrics {@code loss_real}, {@code loss_fake} (means of the cross-entropy over the rows whose target is
     *     above / at most one half), {@code d_real}, {@code d_fake} (mean {@code D}), {@code accuracy_real},
     *     {@code accuracy_fake} (shares with {@code z > 0} / {@code z < 0}); NaN for a side without rows
     */
    public record Result(double loss, double[] dLogits, Map<String, Double> metrics) {
        public Result {
            requireNonNull(dLogits, "dLogits is null");
            metrics = Map.copyOf(metrics);
        }
    }

    /**
     * @param logits the discriminator's logit {@code z = log D - log(1 - D)} of each row
     * @param targets each row's target in [0, 1] (above one half: a real row)
     * @param logitL2 the weight of {@code z^2 / 2}
     * @param normaliser what the sum over rows is divided by
     */
    public static Result compute(double[] logits, double[] targets, double logitL2, double normaliser) {
        if (logits.length != targets.length) {
            throw new IllegalArgumentException(logits.length + " logits for " + targets.length + " targets");
        }
        int n = logits.length;
        double[] d = new double[n];
        double loss = 0;
        double[] crossEntropy = new double[2];
        double[] meanD = new double[2];
        double[] correct = new double[2];
        int[] rows = new int[2];
        for (int i = 0; i < n; i++) {
            double z = logits[i];
            double t = targets[i];
            if (!(t >= 0 && t <= 1)) {
                throw new IllegalArgumentException("target " + t + " outside [0, 1]");
            }
            double ce = -(t * Sigmoid.log(z) + (1 - t) * Sigmoid.log(-z));
            loss += ce + logitL2 * z * z / 2;
            d[i] = (Sigmoid.of(z) - t + logitL2 * z) / normaliser;
            int side = t > 0.5 ? 0 : 1;
            rows[side]++;
            crossEntropy[side] += ce;
            meanD[side] += Sigmoid.of(z);
            correct[side] += side == 0 ? (z > 0 ? 1 : 0) : (z < 0 ? 1 : 0);
        }
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("loss_real", mean(crossEntropy[0], rows[0]));
        metrics.put("loss_fake", mean(crossEntropy[1], rows[1]));
        metrics.put("d_real", mean(meanD[0], rows[0]));
        metrics.put("d_fake", mean(meanD[1], rows[1]));
        metrics.put("accuracy_real", mean(correct[0], rows[0]));
        metrics.put("accuracy_fake", mean(correct[1], rows[1]));
        return new Result(loss / normaliser, d, metrics);
    }

    private static double mean(double sum, int count) {
        return count > 0 ? sum / count : Double.NaN;
    }
}
