/**
 * Losses of the preference-learning algorithms as pure functions of the scores or log-probabilities of a
 * batch of pairs: each returns the loss, its gradient with respect to every input, and the parts it logs
 * (under TRL's metric names where TRL has one), so trainers and tests compute them the same way.
 */
package org.rlhf4j.algorithms.loss;
