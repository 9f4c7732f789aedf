package org.example.hinge;

import java.util.Map;
import org.rlhf4j.algorithms.loss.PairLogProbs;
import org.rlhf4j.algorithms.loss.PairLoss;
import org.rlhf4j.algorithms.loss.PreferenceLoss;

/**
 * The hinge loss on preference pairs (SLiC-HF, Zhao et al. 2023; TRL's {@code loss_type: hinge}): with
 * {@code h = (pi_c - ref_c) - (pi_r - ref_r)}, each pair costs {@code max(0, 1 - beta h)}, so a pair whose log-ratio
 * margin passed {@code 1 / beta} stops pulling.
 */
public record HingeLoss(double beta) implements PreferenceLoss {
    public HingeLoss {
        if (!(beta > 0)) {
            throw new IllegalArgumentException("beta must be > 0, got " + beta);
        }
    }

    @Override
    public String describe() {
        return "hinge (beta " + beta + ")";
    }

    @Override
    public PairLoss compute(PairLogProbs pairs, double normaliser) {
        int n = pairs.size();
        double[] dChosen = new double[n];
        double[] dRejected = new double[n];
        double loss = 0;
        double accuracy = 0;
        double margin = 0;
        for (int i = 0; i < n; i++) {
            double h = (pairs.policyChosen()[i] - pairs.referenceChosen()[i])
                    - (pairs.policyRejected()[i] - pairs.referenceRejected()[i]);
            if (1 - beta * h > 0) {
                loss += 1 - beta * h;
                dChosen[i] = -beta / normaliser;
                dRejected[i] = beta / normaliser;
            }
            accuracy += h > 0 ? 1 : 0;
            margin += beta * h;
        }
        return new PairLoss(loss / normaliser, dChosen, dRejected,
                Map.of("rewards/accuracies", accuracy / n, "rewards/margins", margin / n));
    }
}
