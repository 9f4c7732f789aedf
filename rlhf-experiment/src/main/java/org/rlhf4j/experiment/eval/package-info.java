/**
 * Evaluation metrics for RLHF experiments, as pure functions of plain arrays and strings (no ND4J types).
 *
 * <p>{@link org.rlhf4j.experiment.eval.EvaluationReport#evaluate} computes the standard report on a fixed
 * held-out prompt set: mean gold reward and cost, KL to the reference policy ({@link
 * org.rlhf4j.experiment.eval.KlEstimator}), win rate against the SFT policy ({@link
 * org.rlhf4j.experiment.eval.WinRate}), response length and diversity ({@link
 * org.rlhf4j.experiment.eval.Diversity}). Reward and cost models are judged with {@link
 * org.rlhf4j.experiment.eval.PairwiseAccuracy} and {@link org.rlhf4j.experiment.eval.Correlation}.
 */
package org.rlhf4j.experiment.eval;
