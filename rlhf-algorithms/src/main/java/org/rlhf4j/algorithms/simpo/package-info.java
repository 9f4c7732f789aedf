/**
 * The {@code simpo} type: SimPO ({@link org.rlhf4j.algorithms.loss.SimPoLoss}), reference-free, trained by
 * {@link org.rlhf4j.algorithms.direct.PreferenceAlgorithm}.
 */
package org.rlhf4j.algorithms.simpo;
