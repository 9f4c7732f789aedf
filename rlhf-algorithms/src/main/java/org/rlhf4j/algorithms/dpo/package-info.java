/**
 * The {@code dpo} type: DPO, IPO and cDPO ({@link org.rlhf4j.algorithms.loss.DpoLoss}) against the frozen SFT reference,
 * trained by {@link org.rlhf4j.algorithms.direct.PreferenceAlgorithm}.
 */
package org.rlhf4j.algorithms.dpo;
