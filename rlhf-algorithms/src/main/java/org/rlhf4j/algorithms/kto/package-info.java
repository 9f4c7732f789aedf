/**
 * The {@code kto} type: KTO ({@link org.rlhf4j.algorithms.loss.KtoLoss}) against the frozen SFT reference, trained by
 * {@link org.rlhf4j.algorithms.direct.PreferenceAlgorithm} on {@link org.rlhf4j.algorithms.direct.KtoStep}.
 */
package org.rlhf4j.algorithms.kto;
