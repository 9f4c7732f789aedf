package org.rlhf4j.algorithms.loss;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.rlhf4j.engine.math.Sigmoid;

/**
 * SimPO (Meng et al. 2024, <i>Simple Preference Optimization with a Reference-Free Reward</i>; TRL's {@code CPOTrainer}
 * with {@code loss_type: simpo}): the implicit reward of a response is its length-normalised log-probability under the
 * policy, {@code beta / |y| log pi(y|x)}, with no reference model, and a pair costs
 * {@code -log sigmoid(beta (pi_c / n_c - pi_r / n_r) - gamma)}, where {@code pi} is a response's summed log-prob and
 * {@code n} its length in tokens ({@code <eos>} included): the chosen response must beat the rejected one by the target
 * margin {@code gamma}. The sum over pairs is divided by {@code normaliser}. Logged parts (TRL's names):
 * {@code rewards/chosen} {@code = beta pi_c / n_c}, {@code rewards/rejected}, {@code rewards/accuracies},
 * {@code rewards/margins}, and {@code logps/chosen}, {@code logps/rejected}: the per-token mean log-probs TRL logs for
 * SimPO.
 *
 * @param beta the reward scale, in (0, 100] (the paper's default 2)
 * @param gamma the target reward margin, in [0, 100] (the paper's default: half of beta)
 */
public record SimPoLoss(double beta, double gamma) implements PreferenceLoss {
    public SimPoLoss {
        if (!(beta > 0 && beta <= 100)) {
            throw new IllegalArgumentException("beta must be in (0, 100], got " + beta);
        }
        if (!(gamma >= 0 && gamma <= 100)) {
            throw new IllegalArgumentException("gamma must be in [0, 100], got " + gamma);
        }
    }

    @Override
    public boolean needsReference() {
        return false;
    }

    @Override
    public String describe() {
        return String.format(Locale.ROOT, "SimPO (beta %.3g, gamma %.3g)", beta, gamma);
    }

    @Override
    public PairLoss compute(PairLogProbs pairs, double normaliser) {
        int n = pairs.size();
        double[] dChosen = new double[n];
        double[] dRejected = new double[n];
        double loss = 0;
        double rewardChosen = 0;
        double rewardRejected = 0;
        double accuracy = 0;
        for (int i = 0; i < n; i++) {
            double chosen = pairs.policyChosen()[i] / pairs.chosenTokens()[i];
            double rejected = pairs.policyRejected()[i] / pairs.rejectedTokens()[i];
            double z = beta * (chosen - rejected) - gamma;
            loss -= Sigmoid.log(z);
            double dz = -Sigmoid.of(-z) / normaliser; // d(-log sigmoid z)/dz
            dChosen[i] = dz * beta / pairs.chosenTokens()[i];
            dRejected[i] = -dz * beta / pairs.rejectedTokens()[i];
            rewardChosen += beta * chosen;
            rewardRejected += beta * rejected;
            accuracy += chosen > rejected ? 1 : 0;
        }
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("rewards/chosen", rewardChosen / n);
        metrics.put("rewards/rejected", rewardRejected / n);
        metrics.put("rewards/accuracies", accuracy / n);
        metrics.put("rewards/margins", (rewardChosen - rewardRejected) / n);
        metrics.put("logps/chosen", rewardChosen / beta / n);
        metrics.put("logps/rejected", rewardRejected / beta / n);
        return new PairLoss(loss / normaliser, dChosen, dRejected, metrics);
    }
}
