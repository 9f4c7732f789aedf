/** Rollouts of online RL: sampled responses laid out for the engine's passes, one value per response token. */
package org.rlhf4j.algorithms.rollout;
