package org.rlhf4j.algorithms.loss;

import static java.util.Objects.requireNonNull;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.rlhf4j.engine.math.Sigmoid;

/**
 * Direct preference optimisation losses on sequence log-probabilities (TRL's {@code DPOTrainer.dpo_loss}).
 * With {@code h = (pi_c - ref_c) - (pi_r - ref_r)} per pair:
 * <ul>
 *   <li>{@link Type#SIGMOID} (DPO, Rafailov et al. 2023) with cDPO label smoothing {@code e}:
 *       {@code -(1 - e) log sigmoid(beta h) - e log sigmoid(-beta h)};</li>
 *   <li>{@link Type#IPO} (Azar et al. 2023): {@code (h - 1 / (2 beta))^2}.</li>
 * </ul>
 * The log-probs are sums over the response tokens for both forms (TRL averages them per token for IPO; with
 * sums, IPO's target margin {@code 1 / (2 beta)} is a margin of the whole response's log-ratio).
 * The sum over pairs is divided by {@code normaliser}. Logged parts (TRL's names): {@code rewards/chosen}
 * {@code = beta (pi_c - ref_c)}, {@code rewards/rejected}, {@code rewards/accuracies} (chosen reward above
 * rejected), {@code rewards/margins}, {@code logps/chosen}, {@code logps/rejected}, as means over the pairs.
 */
public record DpoLoss(Type type, double beta, double labelSmoothing) implements PreferenceLoss {
    /** The loss form. */
    public enum Type {
        SIGMOID,
        IPO;

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * @param type the loss form
     * @param beta the KL strength, in (0, 100]
     * @param labelSmoothing cDPO's label noise in [0, 0.5) ({@link Type#SIGMOID} only)
     */
    public DpoLoss {
        requireNonNull(type, "type is null");
        if (!(beta > 0 && beta <= 100)) {
            throw new IllegalArgumentException("beta must be in (0, 100], got " + beta);
        }
        if (!(labelSmoothing >= 0 && labelSmoothing < 0.5)) {
            throw new IllegalArgumentException("label_smoothing must be in [0, 0.5), got " + labelSmoothing);
        }
        if (labelSmoothing > 0 && type == Type.IPO) {
            throw new IllegalArgumentException("label_smoothing (cDPO) applies to loss_type sigmoid, not ipo");
        }
    }

    @Override
    public String describe() {
        return String.format(Locale.ROOT, "%s (beta %.3g)", type == Type.IPO ? "IPO" : "DPO", beta);
    }

    @Override
    public PairLoss compute(PairLogProbs pairs, double normaliser) {
        double[] policyChosen = pairs.policyChosen();
        double[] policyRejected = pairs.policyRejected();
        double[] referenceChosen = pairs.referenceChosen();
        double[] referenceRejected = pairs.referenceRejected();
        int n = pairs.size();
        double[] dChosen = new double[n];
        double[] dRejected = new double[n];
        double loss = 0;
        double rewardChosen = 0;
        double rewardRejected = 0;
        double accuracy = 0;
        double logpChosen = 0;
        double logpRejected = 0;
        for (int i = 0; i < n; i++) {
            double chosenRatio = policyChosen[i] - referenceChosen[i];
            double rejectedRatio = policyRejected[i] - referenceRejected[i];
            double h = chosenRatio - rejectedRatio;
            double dh;
            if (type == Type.IPO) {
                double gap = h - 1 / (2 * beta);
                loss += gap * gap;
                dh = 2 * gap;
            }
            else {
                loss -= (1 - labelSmoothing) * Sigmoid.log(beta * h) + labelSmoothing * Sigmoid.log(-beta * h);
                dh = -(1 - labelSmoothing) * beta * Sigmoid.of(-beta * h) + labelSmoothing * beta * Sigmoid.of(beta * h);
            }
            dChosen[i] = dh / normaliser;
            dRejected[i] = -dh / normaliser;
            rewardChosen += beta * chosenRatio;
            rewardRejected += beta * rejectedRatio;
            accuracy += chosenRatio > rejectedRatio ? 1 : 0;
            logpChosen += policyChosen[i];
            logpRejected += policyRejected[i];
        }
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("rewards/chosen", rewardChosen / n);
        metrics.put("rewards/rejected", rewardRejected / n);
        metrics.put("rewards/accuracies", accuracy / n);
        metrics.put("rewards/margins", (rewardChosen - rewardRejected) / n);
        metrics.put("logps/chosen", logpChosen / n);
        metrics.put("logps/rejected", logpRejected / n);
        return new PairLoss(loss / normaliser, dChosen, dRejected, metrics);
    }
}
