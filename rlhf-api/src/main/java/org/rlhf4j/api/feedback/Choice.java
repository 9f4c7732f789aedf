package org.rlhf4j.api.feedback;

/** The outcome of a pairwise judgment between response A and response B. */
public enum Choice {
    /** Response A is better (or safer). */
    A,
    /** Response B is better (or safer). */
    B,
    /** Neither response is better. */
    TIE;

    /** The same judgment after responses A and B trade places. */
    public Choice swapped() {
        return switch (this) {
            case A -> B;
            case B -> A;
            case TIE -> TIE;
        };
    }
}
