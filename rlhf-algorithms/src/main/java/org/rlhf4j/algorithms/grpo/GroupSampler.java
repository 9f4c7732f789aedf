package org.rlhf4j.algorithms.grpo;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.rlhf4j.algorithms.loss.OverlongPunishment;
import org.rlhf4j.algorithms.reward.RewardFunction;
import org.rlhf4j.algorithms.reward.Rewards;
import org.rlhf4j.algorithms.rollout.Rollouts;
import org.rlhf4j.api.feedback.Completion;
import org.rlhf4j.engine.generation.Generator;
import org.rlhf4j.engine.random.Rng;
import org.rlhf4j.engine.random.Seeds;
import org.rlhf4j.engine.tokenizer.SequenceEncoder;
import org.rlhf4j.engine.tokenizer.SequenceEncoder.Encoded;

/**
 * The rollouts of one GRPO-family step: {@code k} responses to each of the step's prompts from the current policy, scored
 * through the arm's reward seam (a learning source first observes them), with DAPO's soft overlong punishment added to the
 * rewards when {@code soft_punish_cache > 0}. With dynamic sampling (DAPO), a group whose rewards are all equal is dropped
 * and refilled with a group of another TRAIN prompt (drawn at random), sampled again up to {@code max_sampling_rounds}
 * times; a batch still short keeps dropped groups (their advantage is zero). Every sampling is seeded from the step (and
 * the round), so a resumed run draws the same rollouts.
 */
final class GroupSampler {
    /**
     * A step's batch.
     *
     * @param rollouts the batch's groups, {@code k} consecutive rows each
     * @param rewards the rewards the advantages are computed from (the seam's, with the overlong punishment)
     * @param costs the seam's costs, when it gives them
     * @param metrics the sampling's metrics (TRL's and verl's names)
     * @param generated responses generated for the step, dropped groups included (the arm's rollout budget)
     */
    record Batch(Rollouts rollouts, double[] rewards, Optional<double[]> costs, Map<String, Double> metrics, long generated) {}

    /** One group of a sampling round: its rows of {@code sampled}. */
    private record Group(Rollouts sampled, int first, double[] rewards, double[] costs) {}

    private final GrpoConfig config;
    private final Generator generator;
    private final SequenceEncoder encoder;
    private final RewardFunction seam;
    private final List<String> prompts;
    private final long seed;

    GroupSampler(GrpoConfig config, Generator generator, SequenceEncoder encoder, RewardFunction seam, List<String> prompts, long seed) {
        this.config = requireNonNull(config, "config is null");
        this.generator = requireNonNull(generator, "generator is null");
        this.encoder = requireNonNull(encoder, "encoder is null");
        this.seam = requireNonNull(seam, "seam is null");
        this.prompts = List.copyOf(prompts);
        this.seed = seed;
    }

    /** The batch of step {@code step} on the TRAIN prompts {@code batch}. */
    Batch sample(long step, int[] batch) {
        int k = config.groupSize();
        Map<String, Double> metrics = new LinkedHashMap<>();
        List<Group> round = sampleRound(step, 0, batch, metrics);
        if (!config.dynamicSampling()) {
            return assemble(round, metrics, (long) batch.length * k);
        }
        List<Group> kept = new ArrayList<>();
        List<Group> dropped = new ArrayList<>();
        int refilled = 0;
        int rounds = 1;
        long generated = (long) batch.length * k;
        sort(round, kept, dropped);
        while (kept.size() < batch.length && rounds < config.maxSamplingRounds()) {
            int need = batch.length - kept.size();
            Rng draw = new Rng(Seeds.derive(seed, "refill", step + "/" + rounds));
            int[] refill = new int[need];
            for (int i = 0; i < need; i++) {
                refill[i] = draw.nextInt(prompts.size());
            }
            int before = kept.size();
            sort(sampleRound(step, rounds, refill, metrics), kept, dropped);
            refilled += kept.size() - before;
            generated += (long) need * k;
            rounds++;
        }
        int droppedCount = dropped.size();
        int unfilled = Math.max(0, batch.length - kept.size());
        for (int i = 0; kept.size() < batch.length; i++) {
            kept.add(dropped.get(i)); // too few informative groups: zero advantages fill the batch
        }
        metrics.put("dynamic_sampling/dropped_groups", (double) droppedCount);
        metrics.put("dynamic_sampling/refilled_groups", (double) refilled);
        metrics.put("dynamic_sampling/unfilled_groups", (double) unfilled);
        metrics.put("dynamic_sampling/sampling_rounds", (double) rounds);
        return assemble(kept, metrics, generated);
    }

    /** Samples and scores a group for each prompt of {@code batch}, in sampling round {@code round} of the step. */
    private List<Group> sampleRound(long step, int round, int[] batch, Map<String, Double> metrics) {
        int k = config.groupSize();
        List<String> stepPrompts = new ArrayList<>(batch.length * k);
        for (int index : batch) {
            for (int j = 0; j < k; j++) {
                stepPrompts.add(prompts.get(index));
            }
        }
        String stream = round == 0 ? Long.toString(step) : step + "/" + round;
        Rollouts rollouts = Rollouts.sample(generator, encoder, stepPrompts, config.maxNewTokens(), config.temperature(),
                new Rng(Seeds.derive(seed, "rollouts", stream)));
        List<Completion> completions = rollouts.completions();
        metrics.putAll(seam.observe(completions, step)); // a learning source's update (discriminator/loss, ...)
        Rewards scored = seam.score(completions);
        double[] rewards = scored.rewards();
        if (config.softPunishCache() > 0) {
            rewards = rewards.clone();
            double penalty = 0;
            for (int i = 0; i < rewards.length; i++) {
                double p = OverlongPunishment.of(rollouts.lengths()[i], config.maxNewTokens(), config.softPunishCache());
                rewards[i] += p;
                penalty += p;
            }
            metrics.merge("rewards/overlong_punishment", penalty / rewards.length, (a, b) -> b);
        }
        double[] costs = scored.costs().orElse(null);
        List<Group> groups = new ArrayList<>(batch.length);
        for (int g = 0; g < batch.length; g++) {
            groups.add(new Group(rollouts, g * k, Arrays.copyOfRange(rewards, g * k, (g + 1) * k),
                    costs == null ? null : Arrays.copyOfRange(costs, g * k, (g + 1) * k)));
        }
        return groups;
    }

    /** Adds each group to {@code kept}, or to {@code dropped} when its rewards are all equal. */
    private static void sort(List<Group> groups, List<Group> kept, List<Group> dropped) {
        for (Group group : groups) {
            (DynamicSampling.constant(group.rewards()) ? dropped : kept).add(group);
        }
    }

    private Batch assemble(List<Group> groups, Map<String, Double> metrics, long generated) {
        int k = config.groupSize();
        List<Completion> completions = new ArrayList<>();
        List<Encoded> sequences = new ArrayList<>();
        int[] lengths = new int[groups.size() * k];
        double[] rewards = new double[groups.size() * k];
        double[] costs = groups.isEmpty() || groups.get(0).costs() == null ? null : new double[groups.size() * k];
        for (int g = 0; g < groups.size(); g++) {
            Group group = groups.get(g);
            for (int j = 0; j < k; j++) {
                int row = group.first() + j;
                completions.add(group.sampled().completions().get(row));
                sequences.add(group.sampled().sequences().get(row));
                lengths[g * k + j] = group.sampled().lengths()[row];
                rewards[g * k + j] = group.rewards()[j];
                if (costs != null) {
                    costs[g * k + j] = group.costs()[j];
                }
            }
        }
        return new Batch(new Rollouts(completions, sequences, lengths), rewards, Optional.ofNullable(costs), metrics, generated);
    }
}
