package org.rlhf4j.feedback.gan;

import static org.rlhf4j.api.config.ConfigValues.atLeast;
import static org.rlhf4j.api.config.ConfigValues.within;

/**
 * Settings of {@code gan-discriminator}, the RLGAF discriminator: expert demonstrations are "real", the policy's
 * samples shown to {@code observe} are "fake", and its judgement of a response is the reward. Keys marked
 * (transformer) or (ngram) apply to that model only.
 *
 * @param model {@code transformer} (default): the policy's transformer backbone with a scalar head, conditioned on the
 *     prompt, trained by AdamW on the engine's data-parallel path; {@code ngram}: the cheap option, a logistic
 *     regression on hashed word unigrams and bigrams of the response alone (no prompt), trained by SGD, which also
 *     works in labelling experiments (no policy needed)
 * @param demonstrations JSONL of expert demonstrations ("real"): objects with {@code response} (or {@code text}) and
 *     optionally {@code prompt}, relative to the config file; default: the experiment task's own demonstrations
 * @param demonstrationsCount how many of the task's demonstrations to draw (default 2048; ignored with a file)
 * @param init (transformer) {@code sft} (default): start from the SFT policy's backbone with a fresh scalar head, as
 *     the reward model does; {@code scratch}: random weights of the policy's shape
 * @param dSteps discriminator steps per round, {@code k} (default 2 for transformer, 50 for ngram; on reviews 1 step at
 *     lr 1e-4 left the discriminator near chance and the policy chasing response length, see docs/results.md, RLGAF)
 * @param policyStepsPerRound (transformer) policy steps (calls of {@code observe}) per discriminator round (default 1):
 *     the ratio of discriminator to policy steps is {@code d_steps : policy_steps_per_round}; the fakes of the steps
 *     in between are pooled as the round's fresh fakes
 * @param lr learning rate (default 5e-4 for transformer, AdamW, constant; 0.5 for ngram, SGD)
 * @param l2 (ngram) the L2 penalty of SGD (default 1e-4)
 * @param weightDecay (transformer) AdamW's decoupled weight decay, on matrices (default 0.01): keeps the weights,
 *     hence the discriminator's confidence, from growing without bound
 * @param logitL2 (transformer) weight of {@code logit^2 / 2} in the loss (default 0.01): keeps D away from 0 and 1 so
 *     the reward keeps a gradient (a cheap stand-in for a gradient penalty, which would need second derivatives
 *     through the transformer)
 * @param labelSmoothing (transformer) one-sided label smoothing: real rows target {@code 1 - label_smoothing}, fakes 0
 *     (default 0.1, Salimans et al. 2016): stops the discriminator from becoming over-confident on the demonstrations
 * @param accuracyCap (transformer) an update is skipped when the discriminator already classifies its batch (before
 *     the update) with accuracy above this cap (default 0.9; 1 for never): keeps it from winning outright, when its
 *     reward would stop telling better fakes from worse
 * @param maxGradNorm (transformer) global-norm gradient clip, 0 for none (default 1)
 * @param batchSize rows per discriminator step, half real and half fake (default 32)
 * @param fakeBuffer recent policy samples kept as older fakes (default 1024)
 * @param replay (transformer) share of a step's fakes drawn from the buffer of older fakes instead of the round's fresh
 *     ones (default 0): a replay buffer against forgetting what earlier policies did; ngram always draws from the
 *     whole buffer
 * @param reward how a discriminator output becomes a reward (default {@code logit}, see {@link RewardForm})
 * @param seed the seed of minibatch sampling (default 0, mixed with the experiment seed)
 */
public record GanDiscriminatorConfig(
        Model model,
        String demonstrations,
        Integer demonstrationsCount,
        Init init,
        Integer dSteps,
        Integer policyStepsPerRound,
        Double lr,
        Double l2,
        Double weightDecay,
        Double logitL2,
        Double labelSmoothing,
        Double accuracyCap,
        Double maxGradNorm,
        Integer batchSize,
        Integer fakeBuffer,
        Double replay,
        RewardForm reward,
        Integer featureBits,
        Long seed) {
    /** The discriminator network. */
    public enum Model {
        /** The policy's transformer backbone with a scalar head. */
        TRANSFORMER,
        /** Logistic regression on hashed n-grams (cheap, no prompt). */
        NGRAM
    }

    /** Where a transformer discriminator starts. */
    public enum Init {
        /** The SFT policy's backbone. */
        SFT,
        /** Random weights. */
        SCRATCH
    }

    /** The reward of a response x from D(x), the probability that x is a demonstration. */
    public enum RewardForm {
        /** D(x), in (0, 1). */
        D,
        /** log D(x), at most 0 (the non-saturating generator objective). */
        LOG_D,
        /** -log(1 - D(x)), at least 0 (the saturating objective as a reward; GAIL's cost form). */
        NEG_LOG_ONE_MINUS_D,
        /** log D(x) - log(1 - D(x)), the discriminator's logit (AIRL). */
        LOGIT;

        /** The reward of a response whose logit is {@code z}. */
        public double of(double z) {
            return switch (this) {
                case D -> sigmoid(z);
                case LOG_D -> -softplus(-z);
                case NEG_LOG_ONE_MINUS_D -> softplus(z);
                case LOGIT -> z;
            };
        }

        static double sigmoid(double z) {
            return z >= 0 ? 1.0 / (1.0 + Math.exp(-z)) : Math.exp(z) / (1.0 + Math.exp(z));
        }

        static double softplus(double z) {
            return Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z)));
        }
    }

    public GanDiscriminatorConfig {
        model = model == null ? Model.TRANSFORMER : model;
        boolean ngram = model == Model.NGRAM;
        if (demonstrations != null && demonstrations.isBlank()) {
            throw new IllegalArgumentException("demonstrations must name a JSONL file (or be left out for the task's own)");
        }
        demonstrationsCount = atLeast("demonstrations_count", demonstrationsCount, 2048, 1);
        init = init == null ? Init.SFT : init;
        dSteps = atLeast("d_steps", dSteps, ngram ? 50 : 2, 0);
        policyStepsPerRound = atLeast("policy_steps_per_round", policyStepsPerRound, 1, 1);
        lr = within("lr", lr, ngram ? 0.5 : 5e-4, 1e-12, 100);
        l2 = within("l2", l2, 1e-4, 0, 100);
        weightDecay = within("weight_decay", weightDecay, 0.01, 0, 1);
        logitL2 = within("logit_l2", logitL2, 0.01, 0, 100);
        labelSmoothing = within("label_smoothing", labelSmoothing, 0.1, 0, 0.5);
        accuracyCap = within("accuracy_cap", accuracyCap, 0.9, 0.5, 1);
        maxGradNorm = within("max_grad_norm", maxGradNorm, 1.0, 0, Double.MAX_VALUE);
        batchSize = atLeast("batch_size", batchSize, 32, 2);
        fakeBuffer = atLeast("fake_buffer", fakeBuffer, 1024, 1);
        replay = within("replay", replay, 0.0, 0, 1);
        reward = reward == null ? RewardForm.LOGIT : reward;
        featureBits = featureBits == null ? 16 : featureBits;
        if (featureBits < 4 || featureBits > 24) {
            throw new IllegalArgumentException("feature_bits must be in [4, 24], got " + featureBits);
        }
        seed = seed == null ? 0L : seed;
    }
}
