package org.rlhf4j.algorithms.loss;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.rlhf4j.engine.math.Sigmoid;

/**
 * KTO (Ethayarajh et al. 2024, <i>Model Alignment as Prospect Theoretic Optimization</i>; TRL's {@code KTOTrainer},
 * {@code loss_type: kto}) on examples labelled desirable or undesirable: here a preference pair's chosen response is a
 * desirable example and its rejected one an undesirable example (TRL's {@code unpair_preference_dataset}). With
 * {@code r = pi - ref} an example's log-ratio to the reference and the reference point
 * {@code z0 = max(0, mean(pi' - ref'))} over mismatched examples (a prompt with another example's response: TRL's KL
 * dataset; {@link #referencePoint}), held fixed (no gradient flows through it, as in TRL and the paper):
 * <pre>
 *   desirable:    w_D (1 - sigmoid(beta (r - z0)))
 *   undesirable:  w_U (1 - sigmoid(beta (z0 - r)))
 * </pre>
 * averaged over the batch's examples, two per pair ({@code 2 normaliser}). Logged parts (TRL's names):
 * {@code rewards/chosen} {@code = beta r} of the desirable examples, {@code rewards/rejected}, {@code rewards/margins},
 * {@code logps/chosen}, {@code logps/rejected} (summed log-probs) and {@code kl} ({@code z0}).
 *
 * @param beta the KL strength, in (0, 100]
 * @param desirableWeight {@code w_D}, in (0, 100]
 * @param undesirableWeight {@code w_U}, in (0, 100]
 */
public record KtoLoss(double beta, double desirableWeight, double undesirableWeight) {
    public KtoLoss {
        for (double value : new double[] {beta, desirableWeight, undesirableWeight}) {
            if (!(value > 0 && value <= 100)) {
                throw new IllegalArgumentException("beta, desirable_weight and undesirable_weight must be in (0, 100], got " + value);
            }
        }
    }

    /** What the loss is, for the run's log. */
    public String describe() {
        return String.format(Locale.ROOT, "KTO (beta %.3g, desirable weight %.3g, undesirable weight %.3g)", beta, desirableWeight,
                undesirableWeight);
    }

    /**
     * The reference point {@code z0 = max(0, mean_j (policy_j - reference_j))} of mismatched examples: TRL's estimate of
     * the policy's KL to the reference ({@code KL.clamp(min=0)}).
     *
     * @param policy the mismatched examples' log-probs under the policy
     * @param reference their log-probs under the reference
     */
    public static double referencePoint(double[] policy, double[] reference) {
        if (policy.length != reference.length || policy.length == 0) {
            throw new IllegalArgumentException(policy.length + " policy and " + reference.length + " reference log-probs");
        }
        double sum = 0;
        for (int j = 0; j < policy.length; j++) {
            sum += policy[j] - reference[j];
        }
        return Math.max(0, sum / policy.length);
    }

    /**
     * The loss of {@code pairs} (chosen desirable, rejected undesirable) at reference point {@code z0}, and its gradient with
     * respect to each response's policy log-prob.
     *
     * @param normaliser the batch's pair count (the loss is a mean over its {@code 2 normaliser} examples)
     */
    public PairLoss compute(PairLogProbs pairs, double z0, double normaliser) {
        int n = pairs.size();
        double[] dChosen = new double[n];
        double[] dRejected = new double[n];
        double examples = 2 * normaliser;
        double loss = 0;
        double rewardChosen = 0;
        double rewardRejected = 0;
        double logpChosen = 0;
        double logpRejected = 0;
        for (int i = 0; i < n; i++) {
            double chosen = pairs.policyChosen()[i] - pairs.referenceChosen()[i];
            double rejected = pairs.policyRejected()[i] - pairs.referenceRejected()[i];
            double sc = Sigmoid.of(beta * (chosen - z0));
            double sr = Sigmoid.of(beta * (z0 - rejected));
            loss += desirableWeight * (1 - sc) + undesirableWeight * (1 - sr);
            // d(1 - sigmoid(x))/dx = -sigmoid(x)(1 - sigmoid(x)); x = beta (r - z0) or beta (z0 - r)
            dChosen[i] = -desirableWeight * beta * sc * (1 - sc) / examples;
            dRejected[i] = undesirableWeight * beta * sr * (1 - sr) / examples;
            rewardChosen += beta * chosen;
            rewardRejected += beta * rejected;
            logpChosen += pairs.policyChosen()[i];
            logpRejected += pairs.policyRejected()[i];
        }
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("rewards/chosen", rewardChosen / n);
        metrics.put("rewards/rejected", rewardRejected / n);
        metrics.put("rewards/margins", (rewardChosen - rewardRejected) / n);
        metrics.put("logps/chosen", logpChosen / n);
        metrics.put("logps/rejected", logpRejected / n);
        metrics.put("kl", z0);
        return new PairLoss(loss / examples, dChosen, dRejected, metrics);
    }

    /** This loss at a fixed reference point, as a {@link PreferenceLoss} for the preference trainer's pass. */
    public PreferenceLoss at(double z0) {
        if (!(z0 >= 0) || Double.isInfinite(z0)) {
            throw new IllegalArgumentException("the reference point must be finite and >= 0, got " + z0);
        }
        KtoLoss kto = this;
        return new PreferenceLoss() {
            @Override
            public String describe() {
                return kto.describe();
            }

            @Override
            public PairLoss compute(PairLogProbs pairs, double normaliser) {
                return kto.compute(pairs, z0, normaliser);
            }
        };
    }
}
