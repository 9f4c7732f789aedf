/**
 * The task SPI: what an experiment learns to do, and how well it did.
 *
 * <p>A {@link org.rlhf4j.api.task.Task} bundles everything an RLHF experiment needs from "the world":
 * a text corpus to supervise-fine-tune a small policy on, fixed training and held-out evaluation prompts,
 * optional expert demonstrations (for RLGAF), and a {@link org.rlhf4j.api.task.GoldScorer} that stands in
 * for true human intent. The gold scorer is never shown to the learners: feedback sources (simulated
 * annotators, discriminators, AI judges) only see noisy or biased views of it, and evaluation uses it to
 * measure what was really learned.
 *
 * <p>Tasks are plugins. To add one, implement {@link org.rlhf4j.api.task.TaskFactory}, list the
 * implementation class in {@code META-INF/services/org.rlhf4j.api.task.TaskFactory} of your jar, and put the
 * jar on the class path; {@link org.rlhf4j.api.task.TaskRegistry#load()} then finds it by its name.
 */
package org.rlhf4j.api.task;
