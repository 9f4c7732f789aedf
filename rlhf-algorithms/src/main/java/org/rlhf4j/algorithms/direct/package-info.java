/**
 * Direct alignment from preferences: one offline trainer ({@link org.rlhf4j.algorithms.direct.PreferenceAlgorithm})
 * for every loss on (chosen, rejected) log-probabilities ({@link org.rlhf4j.algorithms.loss.PreferenceLoss}: DPO, IPO,
 * cDPO, a plugin's), on the data-parallel step {@link org.rlhf4j.algorithms.direct.PreferenceStep}.
 */
package org.rlhf4j.algorithms.direct;
