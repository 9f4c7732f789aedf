package org.rlhf4j.algorithms.loss;

import java.util.LinkedHashMap;
import java.util.Map;
import org.rlhf4j.engine.math.Sigmoid;

/**
 * The reward model's Bradley-Terry loss (TRL's {@code RewardTrainer}): per pair
 * {@code -[t log sigmoid(z) + (1 - t) log sigmoid(-z)]} with {@code z = r_chosen - r_rejected - (2t - 1) margin} and
 * target {@code t} (1 for a strict preference, 0.5 for a tie): a strict preference asks for {@code margin}, a tie for
 * equal rewards (its loss does not depend on which response is called chosen), plus TRL's reward centring
 * {@code center * (r_chosen + r_rejected)^2} and an L2 term {@code l2 * (r_chosen^2 + r_rejected^2) / 2}; the sum
 * over pairs is divided by {@code normaliser} (the batch's pair count, also when the batch is cut into shards).
 */
public final class BradleyTerryLoss {
    private BradleyTerryLoss() {}

    /**
     * @param chosen reward of each pair's preferred response (either response of a tie)
     * @param rejected reward of each pair's other response
     * @param target 1 for a preference, 0.5 for a tie
     */
    public static PairLoss compute(double[] chosen, double[] rejected, double[] target, double margin, double center, double l2,
            double normaliser) {
        PairLoss.checkLengths(chosen, rejected, target);
        int n = chosen.length;
        double[] dChosen = new double[n];
        double[] dRejected = new double[n];
        double loss = 0;
        double correct = 0;
        double strict = 0;
        double margins = 0;
        for (int i = 0; i < n; i++) {
            double t = target[i];
            double z = chosen[i] - rejected[i] - (2 * t - 1) * margin;
            loss -= t * Sigmoid.log(z) + (1 - t) * Sigmoid.log(-z);
            double dz = Sigmoid.of(z) - t;
            double sum = chosen[i] + rejected[i];
            loss += center * sum * sum + l2 * (chosen[i] * chosen[i] + rejected[i] * rejected[i]) / 2;
            dChosen[i] = (dz + 2 * center * sum + l2 * chosen[i]) / normaliser;
            dRejected[i] = (-dz + 2 * center * sum + l2 * rejected[i]) / normaliser;
            if (t == 1) {
                strict++;
                correct += chosen[i] > rejected[i] ? 1 : 0;
            }
            margins += chosen[i] - rejected[i];
        }
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("accuracy", strict > 0 ? correct / strict : Double.NaN);
        metrics.put("margin", n > 0 ? margins / n : Double.NaN);
        return new PairLoss(loss / normaliser, dChosen, dRejected, metrics);
    }
}
