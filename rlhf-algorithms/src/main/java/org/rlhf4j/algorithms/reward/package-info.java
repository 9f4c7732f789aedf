/**
 * The reward seam: {@link org.rlhf4j.algorithms.reward.RewardFunction}, the one interface through which every
 * algorithm gets rewards (and costs) — from a trained reward or cost model
 * ({@link org.rlhf4j.algorithms.reward.ScalarModels}), a feedback source that scores
 * ({@link org.rlhf4j.algorithms.reward.FeedbackSourceReward}, which also serves a learning source) or a plain
 * function ({@link org.rlhf4j.algorithms.reward.FunctionReward}). Training the models is {@code rewardmodel}'s job.
 */
package org.rlhf4j.algorithms.reward;
