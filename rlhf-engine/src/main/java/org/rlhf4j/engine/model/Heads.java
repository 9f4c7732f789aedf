package org.rlhf4j.engine.model;

/** Which output heads a model carries on top of the shared transformer backbone. */
public enum Heads {
    /** Language-model head {@code lm_head} only (policies, reference models). */
    LM,
    /** Scalar head {@code head.w/head.b} only (reward, value, cost, discriminator models). */
    SCALAR,
    /** Both heads (e.g. a policy with a value head). */
    LM_AND_SCALAR;

    public boolean hasLm() {
        return this != SCALAR;
    }

    public boolean hasScalar() {
        return this != LM;
    }
}
