package org.rlhf4j.algorithms.ppo;

import static java.util.Objects.requireNonNull;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.rlhf4j.algorithms.loss.Gae;
import org.rlhf4j.algorithms.reward.Rewards;
import org.rlhf4j.algorithms.rollout.Rollouts;
import org.rlhf4j.engine.optim.AdamW;
import org.rlhf4j.engine.random.Rng;
import org.rlhf4j.engine.tokenizer.SequenceEncoder.Encoded;

/**
 * One PPO iteration after sampling and scoring, as {@link PpoAlgorithm} runs it (and the {@code rlhf bench} PPO
 * iteration with it): the rollouts' log-probs under the policy and the reference and the critics' values
 * ({@link PpoStep}), the per-token reward {@code -beta (logp - ref)} with the score at the last token (and for
 * PPO-Lagrangian the per-token cost and the multiplier's update), GAE, whitening, then {@link #optimise} runs the epochs
 * of minibatch updates. Keeps the wall time of each part ({@link #partMillis}).
 */
public final class PpoIteration {
    /** The parts of an iteration timed by {@link #partMillis}, in order. */
    public static final List<String> PARTS = List.of("logprobs_policy", "logprobs_reference", "values", "advantages",
            "policy_update", "policy_adamw", "critic_update", "critic_adamw");

    private final PpoConfig config;
    private final List<Encoded> sequences;
    private final double[][] logp;
    private final double[][][] values;
    private final double[][][] returns;
    private final double[][] advantages;
    private final Map<String, Double> metrics = new LinkedHashMap<>();
    private final double meanKl;
    private double loss = Double.NaN;
    private final long[] partNanos = new long[PARTS.size()];

    /**
     * Reads the rollouts' per-token quantities and computes their advantages.
     *
     * @param config the settings
     * @param sampled the rollouts
     * @param scored their scores (and costs, for PPO-Lagrangian)
     * @param step the engine's passes
     * @param beta the KL coefficient
     * @param multiplier PPO-Lagrangian's multiplier (updated here), empty for plain PPO
     * @param costWindow the recent episodes' costs (PPO-Lagrangian; updated here)
     */
    public PpoIteration(PpoConfig config, Rollouts sampled, Rewards scored, PpoStep step, double beta,
            Optional<LagrangeMultiplier> multiplier, ArrayDeque<Double> costWindow) {
        this.config = requireNonNull(config, "config is null");
        boolean lagrangian = multiplier.isPresent();
        long clock = System.nanoTime();
        sequences = sampled.sequences();
        int n = sequences.size();
        logp = step.policyLogProbs(sequences);
        clock = lap(0, clock);
        double[][] ref = step.referenceLogProbs(sequences);
        clock = lap(1, clock);
        int critics = lagrangian ? 2 : 1;
        values = new double[critics][][];
        for (int c = 0; c < critics; c++) {
            values[c] = step.values(c, sequences);
        }
        clock = lap(2, clock);
        double[] scores = scored.rewards();
        double[] costs = scored.costs().orElse(null);
        double[][] tokenRewards = new double[n][];
        double[][] tokenCosts = new double[n][];
        double klSum = 0;
        double entropySum = 0;
        for (int i = 0; i < n; i++) {
            int length = logp[i].length;
            tokenRewards[i] = new double[length];
            tokenCosts[i] = new double[length];
            for (int t = 0; t < length; t++) {
                double k = logp[i][t] - ref[i][t];
                tokenRewards[i][t] = -beta * k;
                tokenCosts[i][t] = beta * k;
                klSum += k;
                entropySum -= logp[i][t];
            }
            if (length > 0) {
                tokenRewards[i][length - 1] += scores[i];
                if (costs != null) {
                    tokenCosts[i][length - 1] += costs[i];
                }
            }
        }
        meanKl = klSum / n;
        Gae.Result reward = Gae.compute(tokenRewards, values[0], config.gamma(), config.lam());
        returns = new double[critics][][];
        returns[0] = reward.returns();
        advantages = reward.advantages();
        double meanScore = mean(scores);
        metrics.put("objective/kl", meanKl);
        metrics.put("objective/kl_coef", beta);
        metrics.put("objective/entropy", entropySum / n);
        metrics.put("objective/scores", meanScore);
        metrics.put("objective/non_score_reward", -beta * meanKl);
        metrics.put("objective/rlhf_reward", meanScore - beta * meanKl);
        if (costs != null) {
            metrics.put("objective/costs", mean(costs));
        }
        if (multiplier.isPresent()) {
            for (double cost : costs) {
                costWindow.addLast(cost);
                while (costWindow.size() > config.costWindow()) {
                    costWindow.removeFirst();
                }
            }
            double windowCost = costWindow.stream().mapToDouble(Double::doubleValue).average().orElse(0);
            multiplier.get().update(windowCost);
            double rewardWeight = multiplier.get().rewardWeight(); // 1 / (1 + lambda)
            Gae.Result cost = Gae.compute(tokenCosts, values[1], config.gamma(), config.lam());
            returns[1] = cost.returns();
            for (int i = 0; i < n; i++) {
                for (int t = 0; t < advantages[i].length; t++) {
                    advantages[i][t] = rewardWeight * advantages[i][t] - (1 - rewardWeight) * cost.advantages()[i][t];
                }
            }
            metrics.put("lagrangian/lambda", multiplier.get().value());
            metrics.put("lagrangian/window_cost", windowCost);
            metrics.put("lagrangian/threshold", multiplier.get().threshold());
        }
        if (config.whitenAdvantages()) {
            Gae.whiten(advantages);
        }
        lap(3, clock);
    }

    /** The mean over rollouts of the summed per-token KL to the reference. */
    public double meanKl() {
        return meanKl;
    }

    /** The mean of the applied updates' policy and value losses (after {@link #optimise}; NaN if none applied). */
    public double loss() {
        return loss;
    }

    /** The iteration's metrics (TRL's names; the update metrics after {@link #optimise}). */
    public Map<String, Double> metrics() {
        return metrics;
    }

    /** Milliseconds spent in each of {@link #PARTS} so far. */
    public Map<String, Double> partMillis() {
        Map<String, Double> out = new LinkedHashMap<>();
        for (int p = 0; p < PARTS.size(); p++) {
            out.put(PARTS.get(p), partNanos[p] / 1e6);
        }
        return out;
    }

    private long lap(int part, long since) {
        long now = System.nanoTime();
        partNanos[part] += now - since;
        return now;
    }

    /**
     * The epochs of minibatch updates ({@code ppo_epochs} passes of {@code mini_batches} shuffled minibatches, each one
     * AdamW update of the policy and of every critic), stopping early on {@code stop_kl}; non-finite updates are skipped
     * and counted.
     */
    public void optimise(PpoStep step, AdamW policyOptimizer, List<AdamW> criticOptimizers, Rng shuffle) {
        int n = sequences.size();
        int miniBatch = n / config.miniBatches();
        Map<String, Double> sums = new LinkedHashMap<>();
        int applied = 0;
        int skipped = 0;
        int epochs = 0;
        double lossSum = 0;
        for (int e = 0; e < config.ppoEpochs(); e++) {
            int[] order = shuffle.permutation(n);
            double epochKl = 0;
            for (int b = 0; b < config.miniBatches(); b++) {
                int[] rows = java.util.Arrays.copyOfRange(order, b * miniBatch, (b + 1) * miniBatch);
                List<Encoded> mb = pick(sequences, rows);
                long t = System.nanoTime();
                PpoStep.Update policy = step.policyUpdate(mb, pick(logp, rows), pick(advantages, rows), config.clip());
                double norm = policyOptimizer.gradientNorm(step.policyGradients());
                t = lap(4, t);
                List<PpoStep.Update> criticUpdates = new ArrayList<>();
                double[] criticNorms = new double[criticOptimizers.size()];
                boolean finite = Double.isFinite(policy.loss()) && Double.isFinite(norm);
                for (int c = 0; c < criticOptimizers.size(); c++) {
                    PpoStep.Update critic = step.criticUpdate(c, mb, pick(values[c], rows), pick(returns[c], rows), config.valueClip());
                    criticUpdates.add(critic);
                    criticNorms[c] = criticOptimizers.get(c).gradientNorm(step.criticGradients(c));
                    finite &= Double.isFinite(critic.loss()) && Double.isFinite(criticNorms[c]);
                }
                t = lap(6, t);
                if (!finite) {
                    skipped++;
                    continue;
                }
                policyOptimizer.update(step.policyGradients(), norm);
                t = lap(5, t);
                for (int c = 0; c < criticOptimizers.size(); c++) {
                    criticOptimizers.get(c).update(step.criticGradients(c), criticNorms[c]);
                }
                lap(7, t);
                applied++;
                lossSum += policy.loss() + criticUpdates.get(0).loss();
                sums.merge("policy/approxkl_avg", policy.metrics().get("approxkl"), Double::sum);
                sums.merge("policy/clipfrac_avg", policy.metrics().get("clipfrac"), Double::sum);
                sums.merge("val/ratio", policy.metrics().get("ratio"), Double::sum);
                sums.merge("loss/policy_avg", policy.loss(), Double::sum);
                sums.merge("loss/value_avg", criticUpdates.get(0).loss(), Double::sum);
                sums.merge("val/clipfrac_avg", criticUpdates.get(0).metrics().get("clipfrac"), Double::sum);
                sums.merge("val/error", criticUpdates.get(0).metrics().get("error"), Double::sum);
                sums.merge("policy/grad_norm", norm, Double::sum);
                if (criticUpdates.size() > 1) {
                    sums.merge("loss/cost_value_avg", criticUpdates.get(1).loss(), Double::sum);
                }
                epochKl += policy.metrics().get("approxkl");
            }
            epochs++;
            if (config.stopKl() != null && epochKl / config.miniBatches() > config.stopKl()) {
                break;
            }
        }
        int count = applied;
        sums.forEach((key, sum) -> metrics.put(key, sum / count));
        metrics.put("ppo/epochs", (double) epochs);
        metrics.put("ppo/skipped_updates", (double) skipped);
        loss = applied > 0 ? lossSum / applied : Double.NaN;
    }

    private static <T> List<T> pick(List<T> all, int[] rows) {
        List<T> out = new ArrayList<>(rows.length);
        for (int row : rows) {
            out.add(all.get(row));
        }
        return out;
    }

    private static double[][] pick(double[][] all, int[] rows) {
        double[][] out = new double[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            out[i] = all[rows[i]];
        }
        return out;
    }

    private static double mean(double[] values) {
        double sum = 0;
        for (double v : values) {
            sum += v;
        }
        return values.length > 0 ? sum / values.length : 0;
    }
}
