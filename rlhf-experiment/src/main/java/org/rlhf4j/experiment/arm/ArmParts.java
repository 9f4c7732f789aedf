package org.rlhf4j.experiment.arm;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.rlhf4j.algorithms.spi.PolicyAlgorithm;
import org.rlhf4j.api.algorithm.Algorithm;
import org.rlhf4j.api.config.ArmPlan;
import org.rlhf4j.api.config.RewardModelConfig;
import org.rlhf4j.api.feedback.FeedbackSource;
import org.rlhf4j.api.plugin.PluginContext;
import org.rlhf4j.experiment.run.RunDirectoryException;

/**
 * The pre-flight stage: builds an arm's algorithm and feedback source from its plan, with errors that name the arm
 * and its types, and checks every arm of a run before any work ({@link #preflight}).
 */
public final class ArmParts {
    private ArmParts() {}

    /** Checks, before any work, that every arm can be built: its algorithm and feedback source. */
    public static void preflight(List<ArmPlan> arms, PluginContext context) {
        for (ArmPlan arm : arms) {
            Optional<PolicyAlgorithm> algorithm = algorithm(arm, context);
            if (!arm.config().preferences().reused() && arm.config().preferences().pairs() == 0) {
                noPairsPreflight(arm, algorithm);
            }
            if (arm.config().feedback().isPresent()) {
                try (FeedbackSource source = source(arm, context)) {
                    if (arm.config().rewardMix().isPresent() && !source.givesScores()) {
                        throw new RunDirectoryException("arm '" + arm.name() + "': reward_mix mixes a reward model into the scores of "
                                + "its feedback source, and feedback type " + arm.feedbackType() + " gives no scores");
                    }
                    if (arm.config().rounds() > 1) {
                        roundsPreflight(arm, source, algorithm.orElseThrow());
                    }
                }
            }
        }
    }

    /**
     * Checks an arm that collects no preferences before training ({@code preferences: {pairs: 0}}): only an algorithm that
     * takes its labels while it trains can learn there, and no model of its own can be trained.
     */
    private static void noPairsPreflight(ArmPlan arm, Optional<PolicyAlgorithm> algorithm) {
        String prefix = "arm '" + arm.name() + "': preferences: {pairs: 0} collects no preferences before training, ";
        if (algorithm.isEmpty() || algorithm.get().input() != Algorithm.Input.FEEDBACK) {
            throw new RunDirectoryException(prefix + "and its algorithm " + (algorithm.isEmpty() ? "(none)" : arm.algorithmType())
                    + " does not label pairs while it trains: give it pairs, or an algorithm such as online-dpo");
        }
        if (arm.config().rewardModel().filter(m -> !m.reused()).isPresent() || arm.config().costModel().filter(m -> !m.reused())
                .isPresent()) {
            throw new RunDirectoryException(prefix + "so it has none to train its reward_model or cost_model on: give it pairs, "
                    + "or reuse another arm's model ({from: ARM})");
        }
    }

    /** Checks that each round of an arm with {@code rounds > 1} can collect fresh pairs and retrain what it learns from. */
    private static void roundsPreflight(ArmPlan arm, FeedbackSource source, Algorithm algorithm) {
        String prefix = "arm '" + arm.name() + "': rounds: " + arm.config().rounds() + " collects fresh preferences on the current "
                + "policy each round, ";
        if (source.datasetPreferences().isPresent()) {
            throw new RunDirectoryException(prefix + "and feedback type " + arm.feedbackType() + " holds a fixed dataset of pairs "
                    + "(mode: pairs): use mode: lookup, or rounds: 1");
        }
        if (source.learnsFromPolicy()) {
            throw new RunDirectoryException(prefix + "and feedback type " + arm.feedbackType() + " learns from the policy already "
                    + "at every step of the algorithm (its state is the arm's rounds): use rounds: 1");
        }
        if (algorithm.input() == Algorithm.Input.REWARDS && arm.config().rewardModel().isEmpty() && source.givesScores()) {
            throw new RunDirectoryException(prefix + "to retrain the reward model on them, and this arm has none: its algorithm "
                    + arm.algorithmType() + " takes the scores of feedback type " + arm.feedbackType() + " directly; give it a "
                    + "reward_model, or use rounds: 1");
        }
    }

    /** The arm's algorithm (none for an arm that only labels or trains models), a trainer this runner runs. */
    static Optional<PolicyAlgorithm> algorithm(ArmPlan arm, PluginContext context) {
        Optional<Algorithm> algorithm;
        try {
            algorithm = arm.createAlgorithm(context);
        }
        catch (UnsupportedOperationException | IllegalArgumentException e) {
            throw new RunDirectoryException("arm '" + arm.name() + "' (algorithm type " + arm.algorithmType() + "): " + e.getMessage());
        }
        if (algorithm.isPresent() && !(algorithm.get() instanceof PolicyAlgorithm)) {
            throw new RunDirectoryException("arm '" + arm.name() + "': algorithm type " + arm.algorithmType()
                    + " does not build a trainer this engine runs (" + PolicyAlgorithm.class.getName() + ")");
        }
        if (algorithm.isPresent() && algorithm.get().input() == Algorithm.Input.FEEDBACK && arm.config().feedback().isEmpty()) {
            throw new RunDirectoryException("arm '" + arm.name() + "': algorithm type " + arm.algorithmType()
                    + " labels pairs with the arm's own feedback source while it trains: give the arm a feedback block "
                    + "(not preferences: {from: ...})");
        }
        if (algorithm.isPresent() && algorithm.get().input() == Algorithm.Input.REWARDS && arm.config().rewardModel().isEmpty()
                && arm.config().feedback().isEmpty()) {
            throw new RunDirectoryException("arm '" + arm.name() + "': algorithm type " + arm.algorithmType()
                    + " learns from rewards: give the arm a reward_model (or a feedback source that scores)");
        }
        return algorithm.map(PolicyAlgorithm.class::cast);
    }

    /** The arm's feedback source, built from its {@code feedback} block. */
    static FeedbackSource source(ArmPlan arm, PluginContext context) {
        try {
            return arm.createFeedbackSource(context);
        }
        catch (IllegalArgumentException e) {
            throw new RunDirectoryException("arm '" + arm.name() + "' (feedback type " + arm.feedbackType() + "): " + e.getMessage());
        }
    }

    /**
     * The arm's reward model: its {@code reward_model}; or, for an algorithm that learns from rewards whose source gives
     * only preferences (an annotator panel, a dataset), a reward model with the defaults, so that switching
     * {@code feedback.type} between a source that scores (a judge, a discriminator: the reward seam itself) and one that
     * does not is the only change an experiment needs; else none.
     */
    static Optional<RewardModelConfig> rewardModelConfig(ArmPlan arm, Optional<? extends Algorithm> algorithm,
            FeedbackSource source) {
        if (arm.config().rewardModel().isPresent()) {
            return arm.config().rewardModel();
        }
        boolean needsRewards = algorithm.isPresent() && algorithm.get().input() == Algorithm.Input.REWARDS;
        return needsRewards && source != null && !source.givesScores() ? Optional.of(RewardModelConfig.defaults()) : Optional.empty();
    }

    /** The feedback type the arm's preferences come from: its own, or that of the arm whose preferences it reuses. */
    static String feedbackType(ArmPlan arm, Map<String, ArmOutcome> earlier) {
        if (arm.config().preferences().reused()) {
            ArmOutcome from = earlier.get(arm.config().preferences().from());
            if (from == null) {
                throw new IllegalStateException("arm '" + arm.name() + "' reuses the preferences of '"
                        + arm.config().preferences().from() + "', which has not run");
            }
            return from.summary().path("feedback").asText();
        }
        return arm.feedbackType();
    }
}
