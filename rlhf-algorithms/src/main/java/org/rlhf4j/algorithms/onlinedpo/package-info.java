/**
 * The {@code online-dpo} type: DPO on pairs sampled from the current policy and labelled while it trains, by the arm's
 * feedback source ({@link org.rlhf4j.algorithms.spi.ArmContext#labeller()}) or its reward seam.
 */
package org.rlhf4j.algorithms.onlinedpo;
