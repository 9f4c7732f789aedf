/**
 * Reward and cost models: scalar-head transformers trained on preference pairs from the SFT backbone
 * ({@link org.rlhf4j.algorithms.rewardmodel.ScalarModelTrainer}), with Bradley-Terry or Safe RLHF's cost loss
 * ({@link org.rlhf4j.algorithms.rewardmodel.PairObjective}), on the data-parallel step
 * {@link org.rlhf4j.algorithms.rewardmodel.ScalarModelStep}.
 */
package org.rlhf4j.algorithms.rewardmodel;
