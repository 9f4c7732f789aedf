/**
 * The arm contract on the engine side: what an algorithm of an experiment arm is handed
 * ({@link org.rlhf4j.algorithms.spi.ArmContext}) and what it must implement
 * ({@link org.rlhf4j.algorithms.spi.PolicyAlgorithm}).
 */
package org.rlhf4j.algorithms.spi;
