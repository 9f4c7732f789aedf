/** GRPO and RLOO: critic-free online RL from the reward seam, with a group baseline per prompt. */
package org.rlhf4j.algorithms.grpo;
