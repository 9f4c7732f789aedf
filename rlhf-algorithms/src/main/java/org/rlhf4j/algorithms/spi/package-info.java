/**
 * The algorithm SPI: what a plugin implements to add an algorithm type, and what the runner hands it.
 * <ul>
 *   <li>{@link org.rlhf4j.algorithms.spi.PolicyAlgorithm}: trains an arm's policy in place
 *       ({@link org.rlhf4j.algorithms.spi.PolicyAlgorithm#train}) from its preferences or its reward seam, and says what
 *       it did ({@link org.rlhf4j.algorithms.spi.ArmTraining}: steps, rollouts, policy updates, the arm's budget);</li>
 *   <li>{@link org.rlhf4j.algorithms.spi.ArmContext}: what the runner hands it: the policy, the frozen reference, the
 *       encoder, the TRAIN prompts, the preferences, the reward seam, the arm's seed, workers, metrics sink and checkpoint
 *       stores, and the {@link org.rlhf4j.algorithms.spi.GoldMonitor} (an interface, so that it grows without breaking
 *       an algorithm);</li>
 *   <li>{@link org.rlhf4j.algorithms.spi.Optimizers}: the engine's AdamW from the shared {@code optimizer} block
 *       ({@link org.rlhf4j.api.config.OptimizerConfig}).</li>
 * </ul>
 * An offline preference algorithm needs none of these directly: it is a
 * {@link org.rlhf4j.algorithms.loss.PreferenceLoss} handed to {@link org.rlhf4j.algorithms.direct.PreferenceAlgorithm}.
 * A factory ({@link org.rlhf4j.api.algorithm.AlgorithmFactory}) registered by a plugin's Guice module builds either; the
 * worked example is docs/plugins.md, "Writing an algorithm plugin".
 */
package org.rlhf4j.algorithms.spi;
