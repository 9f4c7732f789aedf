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
 * <p>Tasks are plugins, found like feedback sources. To add one, implement
 * {@link org.rlhf4j.api.task.TaskFactory}, register it in your {@link org.rlhf4j.api.plugin.RlhfModule}
 * with {@code PluginBinders.tasks(binder).addBinding("my-task").to(MyTaskFactory.class)}, list the module in
 * {@code META-INF/services/org.rlhf4j.api.plugin.RlhfModule} of your jar, and put the jar on the class path
 * (or in a {@code --plugins} directory).
 */
package org.rlhf4j.api.task;
