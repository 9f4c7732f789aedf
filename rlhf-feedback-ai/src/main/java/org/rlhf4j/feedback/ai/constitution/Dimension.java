package org.rlhf4j.feedback.ai.constitution;

/** What a principle judges: helpfulness (the reward) or harmlessness (the cost, Safe RLHF's second axis). */
public enum Dimension {
    HELPFULNESS,
    HARMLESSNESS
}
