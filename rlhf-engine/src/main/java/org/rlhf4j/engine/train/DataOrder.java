package org.rlhf4j.engine.train;

import org.rlhf4j.engine.random.Rng;

/**
 * Which examples each step trains on, as a function of the step alone: epoch {@code e} visits the examples
 * in a permutation drawn from {@code seed} and {@code e}; each step takes the next {@code batch} of them
 * (the remainder of an epoch that does not fill a batch is skipped). A resumed run thus needs no data state.
 */
public final class DataOrder {
    private final int examples;
    private final int batch;
    private final long seed;
    private int cachedEpoch = -1;
    private int[] cachedOrder;

    public DataOrder(int examples, int batch, long seed) {
        if (examples < batch || batch < 1) {
            throw new IllegalArgumentException(examples + " examples cannot fill a batch of " + batch);
        }
        this.examples = examples;
        this.batch = batch;
        this.seed = seed;
    }

    /** Full batches per epoch. */
    public int stepsPerEpoch() {
        return examples / batch;
    }

    /** The example indices of step {@code step} (counting from 1). */
    public int[] batch(long step) {
        long index = step - 1;
        int epoch = (int) (index / stepsPerEpoch());
        int offset = (int) (index % stepsPerEpoch()) * batch;
        if (epoch != cachedEpoch) {
            cachedOrder = new Rng(seed * 0x9E3779B97F4A7C15L + epoch).permutation(examples);
            cachedEpoch = epoch;
        }
        int[] out = new int[batch];
        System.arraycopy(cachedOrder, offset, out, 0, batch);
        return out;
    }
}
