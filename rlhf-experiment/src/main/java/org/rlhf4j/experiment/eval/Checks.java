package org.rlhf4j.experiment.eval;

final class Checks {
    private Checks() {}

    static void paired(int left, int right) {
        if (left != right) {
            throw new IllegalArgumentException("paired arrays differ in length: " + left + " vs " + right);
        }
        if (left == 0) {
            throw new IllegalArgumentException("no pairs");
        }
    }
}
