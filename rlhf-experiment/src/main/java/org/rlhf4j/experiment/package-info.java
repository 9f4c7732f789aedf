/**
 * Task experiments: build a task's starting policy (corpus, tokenizer, checkpointed SFT) with
 * {@link org.rlhf4j.experiment.TaskExperiment}, and evaluate policies on the task's held-out
 * prompts with {@link org.rlhf4j.experiment.eval.Evaluator} (gold reward and cost, KL to a reference,
 * win rate, length, diversity, and reward/cost-model agreement with gold when a model is given).
 */
package org.rlhf4j.experiment;

