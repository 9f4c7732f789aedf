/**
 * The {@code orpo} type: ORPO ({@link org.rlhf4j.algorithms.loss.OrpoLoss}), reference-free, trained by
 * {@link org.rlhf4j.algorithms.direct.PreferenceAlgorithm}.
 */
package org.rlhf4j.algorithms.orpo;
