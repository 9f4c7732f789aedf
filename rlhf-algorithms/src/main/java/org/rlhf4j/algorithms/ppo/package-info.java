/** PPO with a critic and Safe RLHF's PPO-Lagrangian. */
package org.rlhf4j.algorithms.ppo;
