package org.rlhf4j.algorithms.loss;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.rlhf4j.engine.math.Sigmoid;

/**
 * ORPO (Hong et al. 2024, <i>Monolithic Preference Optimization without Reference Model</i>; TRL's {@code ORPOTrainer}):
 * the SFT loss on the chosen responses plus {@code beta} times an odds-ratio term, with no reference model. With
 * {@code a = pi / n} a response's per-token mean log-prob (its summed log-prob over its length in tokens, {@code <eos>}
 * included, as TRL averages them) and {@code odds(a) = e^a / (1 - e^a)}:
 * <pre>
 *   log_odds = log odds(a_c) - log odds(a_r) = (a_c - a_r) - (log(1 - e^a_c) - log(1 - e^a_r))
 *   L = -sum_pairs pi_c / T  +  beta sum_pairs -log sigmoid(log_odds) / N
 * </pre>
 * The first term is the mean negative log-likelihood per chosen response token over the batch ({@code T} the batch's
 * chosen response tokens, bound by {@link #forBatch}: TRL's token-mean cross-entropy; TRL also counts the prompt's tokens,
 * which here the SFT policy has learnt already, so only the response's are), the second the odds-ratio loss averaged
 * over the batch's {@code N} pairs ({@code normaliser}). A mean log-prob is capped at {@code -1e-6} (where
 * {@code log(1 - e^a)} would diverge; the gradient is zero past the cap). Logged parts (TRL's names):
 * {@code rewards/chosen} {@code = beta a_c}, {@code rewards/rejected}, {@code rewards/accuracies}, {@code rewards/margins},
 * {@code logps/chosen} and {@code logps/rejected} (the per-token means), {@code nll_loss}, {@code log_odds_ratio} (the mean
 * of {@code log sigmoid(log_odds)}) and {@code log_odds_chosen} (the mean of {@code log_odds}).
 *
 * @param beta the weight of the odds-ratio term (TRL's {@code beta}, the paper's lambda), in (0, 100]
 * @param chosenTokens {@code T}: the chosen response tokens the NLL term is averaged over (the whole batch's, bound by
 *     {@link #forBatch}); 0 for the pairs' own (a loss called on a whole batch)
 */
public record OrpoLoss(double beta, double chosenTokens) implements PreferenceLoss {
    /** The largest per-token mean log-prob the odds read ({@code log(1 - e^a)} diverges at 0). */
    static final double MAX_MEAN_LOGP = -1e-6;

    public OrpoLoss {
        if (!(beta > 0 && beta <= 100)) {
            throw new IllegalArgumentException("beta must be in (0, 100], got " + beta);
        }
        if (!(chosenTokens >= 0) || Double.isInfinite(chosenTokens)) {
            throw new IllegalArgumentException("chosenTokens must be >= 0, got " + chosenTokens);
        }
    }

    /** ORPO with weight {@code beta}, its NLL term averaged over the tokens of the pairs it is given. */
    public OrpoLoss(double beta) {
        this(beta, 0);
    }

    @Override
    public boolean needsReference() {
        return false;
    }

    @Override
    public String describe() {
        return String.format(Locale.ROOT, "ORPO (beta %.3g)", beta);
    }

    @Override
    public PreferenceLoss forBatch(int[] chosen, int[] rejected) {
        long tokens = 0;
        for (int length : chosen) {
            tokens += length;
        }
        return new OrpoLoss(beta, tokens);
    }

    @Override
    public PairLoss compute(PairLogProbs pairs, double normaliser) {
        int n = pairs.size();
        double tokens = chosenTokens;
        if (tokens == 0) {
            for (int length : pairs.chosenTokens()) {
                tokens += length;
            }
        }
        double[] dChosen = new double[n];
        double[] dRejected = new double[n];
        double nll = 0;
        double orLoss = 0;
        double meanChosen = 0;
        double meanRejected = 0;
        double accuracy = 0;
        double logSigmoidSum = 0;
        double logOddsSum = 0;
        for (int i = 0; i < n; i++) {
            double chosen = pairs.policyChosen()[i] / pairs.chosenTokens()[i];
            double rejected = pairs.policyRejected()[i] / pairs.rejectedTokens()[i];
            double c = Math.min(chosen, MAX_MEAN_LOGP);
            double r = Math.min(rejected, MAX_MEAN_LOGP);
            double logOdds = (c - r) - (log1mexp(c) - log1mexp(r));
            double logSigmoid = Sigmoid.log(logOdds);
            nll -= pairs.policyChosen()[i];
            orLoss -= logSigmoid;
            // d(-log sigmoid x)/dx = -sigmoid(-x); d log_odds / da = 1 / (1 - e^a) for the chosen, minus that for the rejected
            double dLogOdds = -beta * Sigmoid.of(-logOdds) / normaliser;
            double dChosenMean = chosen <= MAX_MEAN_LOGP ? dLogOdds / -Math.expm1(c) : 0;
            double dRejectedMean = rejected <= MAX_MEAN_LOGP ? -dLogOdds / -Math.expm1(r) : 0;
            dChosen[i] = -1 / tokens + dChosenMean / pairs.chosenTokens()[i];
            dRejected[i] = dRejectedMean / pairs.rejectedTokens()[i];
            meanChosen += chosen;
            meanRejected += rejected;
            accuracy += chosen > rejected ? 1 : 0;
            logSigmoidSum += logSigmoid;
            logOddsSum += logOdds;
        }
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("rewards/chosen", beta * meanChosen / n);
        metrics.put("rewards/rejected", beta * meanRejected / n);
        metrics.put("rewards/accuracies", accuracy / n);
        metrics.put("rewards/margins", beta * (meanChosen - meanRejected) / n);
        metrics.put("logps/chosen", meanChosen / n);
        metrics.put("logps/rejected", meanRejected / n);
        metrics.put("nll_loss", nll / tokens);
        metrics.put("log_odds_ratio", logSigmoidSum / n);
        metrics.put("log_odds_chosen", logOddsSum / n);
        return new PairLoss(nll / tokens + beta * orLoss / normaliser, dChosen, dRejected, metrics);
    }

    /** {@code log(1 - e^a)} for {@code a < 0}, accurate on both sides of {@code -ln 2}. */
    static double log1mexp(double a) {
        return a > -Math.log(2) ? Math.log(-Math.expm1(a)) : Math.log1p(-Math.exp(a));
    }
}
