package org.rlhf4j.api.task;

import java.util.List;

/**
 * A learning problem for RLHF experiments: a corpus, prompts, demonstrations and a gold scorer.
 *
 * <p>Everything a task returns must be deterministic: the same arguments give the same strings on every
 * run and every machine, with no network or file access beyond the task's own class path resources.
 * Texts are plain English; each task documents the shape of its texts (the built-in tasks use lower-case
 * words separated by spaces with the punctuation {@code . , ! ?} attached to the word before).
 *
 * <p>Only the methods without a default are required. Implementations are created by a
 * {@link TaskFactory}, registered by name with
 * {@link org.rlhf4j.api.plugin.PluginBinders#tasks} and looked up with
 * {@link org.rlhf4j.api.plugin.PluginRegistry#task(String)}.
 */
public interface Task {
    /** The task's unique name, as written in experiment configs ({@code task: {type: reviews}}). */
    String name();

    /** A one-line, human-readable description, shown by the CLI. */
    default String description() {
        return "";
    }

    /**
     * Texts to supervise-fine-tune (pre-train) a policy on: {@code size} full examples of the task's
     * language, generated or sampled with {@code seed}. Prompts followed by their continuations look like
     * these texts, so a policy fine-tuned on the corpus can continue prompts.
     *
     * @param seed the random seed; the same seed and size give the same list
     * @param size how many texts to return
     */
    List<String> corpus(long seed, int size);

    /**
     * The fixed prompt set of a split. The lists do not depend on any seed, and the {@link Split#EVAL}
     * prompts never appear among the {@link Split#TRAIN} prompts.
     */
    List<String> prompts(Split split);

    /**
     * Expert demonstrations: good (helpful, fluent, harmless) completions of training prompts, for
     * adversarial feedback (RLGAF). The default returns an empty list, meaning the task has none.
     *
     * @param seed the random seed; the same seed and count give the same list
     * @param count how many demonstrations to return
     */
    default List<Demonstration> demonstrations(long seed, int count) {
        return List.of();
    }

    /** The task's gold scorer; never shown to the learners. */
    GoldScorer goldScorer();
}
