/**
 * Preferences as the algorithms learn from them: labelled pairs of responses (from any feedback source,
 * {@link org.rlhf4j.algorithms.preference.LabelledPair}) and their encoding into the token rows of reward models and
 * direct alignment ({@link org.rlhf4j.algorithms.preference.PairRows}).
 */
package org.rlhf4j.algorithms.preference;
