/**
 * Preferences as the engine learns from them: labelled pairs of responses (from any feedback source),
 * their collection on a policy's samples, and their encoding into the token batches of reward models and
 * DPO.
 */
package org.rlhf4j.algorithms.preference;
