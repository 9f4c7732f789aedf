package org.rlhf4j.api.task;

/**
 * Which prompt set a caller wants.
 *
 * <p>The two sets are fixed (they do not depend on any seed), deterministic and disjoint: no prompt of
 * {@link #EVAL} appears in {@link #TRAIN}.
 */
public enum Split {
    /** Prompts the algorithms may roll out on and learn from. */
    TRAIN,
    /** Held-out prompts used only to evaluate policies (gold reward, KL, win rate). */
    EVAL
}
