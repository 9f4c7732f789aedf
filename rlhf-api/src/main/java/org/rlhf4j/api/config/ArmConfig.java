package org.rlhf4j.api.config;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One arm of an experiment: feedback, optional reward and cost models, and the algorithm that learns.
 *
 * @param name a unique name, used in output files (letters, digits, {@code . _ -})
 * @param feedback the feedback source: {@code {type: ..., settings...}}; absent only when the arm reuses
 *     another arm's preferences ({@code preferences: {from: ARM}})
 * @param preferences how the arm collects preferences, or whose it reuses (task experiments)
 * @param rewardModel the reward model trained on the arm's preferences, if any (task experiments)
 * @param costModel the Safe RLHF cost model trained on the arm's safety labels, if any (task experiments)
 * @param algorithm the algorithm, {@code {type: ..., settings...}}; absent: only collect feedback and train
 *     the models
 * @param rewardMix for an arm whose feedback source scores (a discriminator, a judge) and that has a reward model:
 *     the share {@code w} of the reward model's reward in the arm's reward, {@code (1 - w) r_source + w r_model}
 *     (the RLGAF follow-ups' mix of a second reward, APO's human-preference term); absent: the reward model alone
 * @param rounds iterated rounds of a task experiment's arm (default {@value #DEFAULT_ROUNDS}): round 1 is the arm as
 *     without them; each further round collects {@code preferences.pairs} fresh pairs from the arm's feedback source on
 *     the current policy's samples, retrains the reward and cost models on all pairs so far and continues the algorithm
 *     from the current policy with its configured budget (Safe RLHF's rounds, iterative DPO). More than one needs an
 *     algorithm and the arm's own feedback and models (no {@code from:})
 */
public record ArmConfig(
        String name,
        Optional<TypedConfig> feedback,
        PreferencesConfig preferences,
        Optional<RewardModelConfig> rewardModel,
        Optional<RewardModelConfig> costModel,
        Optional<TypedConfig> algorithm,
        Optional<Double> rewardMix,
        Integer rounds) {
    public static final int DEFAULT_ROUNDS = 1;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]+");

    public ArmConfig {
        if (name == null) {
            throw new IllegalArgumentException("missing 'name'");
        }
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("name '" + name + "' may hold only letters, digits, '.', '_' and '-'");
        }
        feedback = feedback == null ? Optional.empty() : feedback;
        preferences = preferences == null ? PreferencesConfig.defaults() : preferences;
        rewardModel = rewardModel == null ? Optional.empty() : rewardModel;
        costModel = costModel == null ? Optional.empty() : costModel;
        algorithm = algorithm == null ? Optional.empty() : algorithm;
        rewardMix = rewardMix == null ? Optional.empty() : rewardMix;
        if (rewardMix.isPresent() && !(rewardMix.get() >= 0 && rewardMix.get() <= 1)) {
            throw new IllegalArgumentException("reward_mix must be in [0, 1], got " + rewardMix.get());
        }
        if (rewardMix.isPresent() && (rewardModel.isEmpty() || feedback.isEmpty())) {
            throw new IllegalArgumentException("reward_mix mixes a reward model's reward into the arm's feedback source's scores: "
                    + "it needs 'feedback' and 'reward_model'");
        }
        rounds = rounds == null ? DEFAULT_ROUNDS : rounds;
        if (rounds < 1) {
            throw new IllegalArgumentException("rounds must be >= 1, got " + rounds);
        }
        if (rounds > 1) {
            String why = algorithm.isEmpty() ? "it has no 'algorithm' to continue"
                    : preferences.reused() ? "it reuses the preferences of arm '" + preferences.from() + "' ('preferences.from')"
                    : rewardModel.isPresent() && rewardModel.get().reused() ? "it reuses the reward model of arm '"
                            + rewardModel.get().from() + "' ('reward_model.from'), which a round cannot retrain"
                    : costModel.isPresent() && costModel.get().reused() ? "it reuses the cost model of arm '"
                            + costModel.get().from() + "' ('cost_model.from'), which a round cannot retrain"
                    : null;
            if (why != null) {
                throw new IllegalArgumentException("rounds: " + rounds + " collects fresh preferences from the arm's own feedback "
                        + "source each round, retrains its reward and cost models on them and continues its algorithm, but " + why);
            }
        }
        if (feedback.isEmpty() && !preferences.reused()) {
            throw new IllegalArgumentException("missing 'feedback' ({type: ..., ...}), or 'preferences: {from: ARM}' to reuse "
                    + "another arm's preferences");
        }
        if (feedback.isPresent() && preferences.reused()) {
            throw new IllegalArgumentException("an arm that reuses another arm's preferences ('preferences: {from: "
                    + preferences.from() + "}') has no 'feedback' of its own");
        }
    }

    /** An arm with a feedback source and optionally an algorithm, nothing else. */
    public static ArmConfig of(String name, TypedConfig feedback, Optional<TypedConfig> algorithm) {
        return new ArmConfig(name, Optional.of(feedback), null, null, null, algorithm, null, null);
    }
}
