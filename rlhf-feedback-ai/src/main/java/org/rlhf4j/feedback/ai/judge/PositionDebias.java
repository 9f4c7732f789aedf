package org.rlhf4j.feedback.ai.judge;

import org.rlhf4j.api.feedback.Choice;

/**
 * Position-bias mitigation of a pairwise judge: whether each pair is judged in both orders (A, B and B, A), and what
 * is kept when the two verdicts disagree.
 */
public enum PositionDebias {
    /** One order only, as given. */
    NONE,
    /**
     * Both orders; a verdict both agree on is kept with confidence 1; disagreement, the mark of position bias, is a
     * tie with confidence 0 (no information: a reward model learns nothing from it).
     */
    CONSISTENT,
    /**
     * Both orders, the verdicts averaged: each counts P(A) = 1 for A, 0 for B, 0.5 for a tie; the label is the side
     * the mean favours (a tie at 0.5) with confidence {@code max(p, 1 - p)}, so disagreement is an informative tie
     * (confidence 0.5), and a verdict and a tie give confidence 0.75.
     */
    AVERAGE;

    /** A combined verdict. */
    public record Verdict(Choice better, double confidence) {}

    /**
     * Combines the verdict in the given order with the verdict in the swapped order, the latter already mapped back
     * to the original positions.
     */
    public Verdict combine(Choice given, Choice swappedBack) {
        return switch (this) {
            case NONE -> new Verdict(given, 1.0);
            case CONSISTENT -> given == swappedBack ? new Verdict(given, 1.0) : new Verdict(Choice.TIE, 0.0);
            case AVERAGE -> {
                double p = (probabilityA(given) + probabilityA(swappedBack)) / 2;
                Choice better = p > 0.5 ? Choice.A : p < 0.5 ? Choice.B : Choice.TIE;
                yield new Verdict(better, Math.max(p, 1 - p));
            }
        };
    }

    private static double probabilityA(Choice choice) {
        return choice == Choice.A ? 1.0 : choice == Choice.B ? 0.0 : 0.5;
    }
}
