package org.rlhf4j.engine.model;

import static java.util.Objects.requireNonNull;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Key/value cache for incremental decoding on the ND4J path: per layer, keys and values of every
 * column processed so far, {@code [B,H,capacity,headDim]}. Rows may be left-padded: {@code padLeft[b]}
 * leading columns of row {@code b} are padding that no query may attend to, and the position id of
 * column {@code j} of row {@code b} is {@code j - padLeft[b]}.
 */
public final class KvCache {
    private final INDArray[] keys;
    private final INDArray[] values;
    private final int[] padLeft;
    private final int capacity;
    private int length;

    /** An empty cache for {@code batch} rows of at most {@code capacity} columns. */
    public KvCache(TransformerConfig config, int batch, int capacity, int[] padLeft, DataType dataType) {
        requireNonNull(config, "config is null");
        this.padLeft = requireNonNull(padLeft, "padLeft is null").clone();
        if (padLeft.length != batch) {
            throw new IllegalArgumentException("padLeft has " + padLeft.length + " rows, batch is " + batch);
        }
        this.capacity = capacity;
        this.keys = new INDArray[config.nLayers()];
        this.values = new INDArray[config.nLayers()];
        for (int i = 0; i < config.nLayers(); i++) {
            keys[i] = Nd4j.zeros(dataType, batch, config.nHeads(), capacity, config.headDim());
            values[i] = Nd4j.zeros(dataType, batch, config.nHeads(), capacity, config.headDim());
        }
    }

    /** Columns stored so far. */
    public int length() {
        return length;
    }

    public int capacity() {
        return capacity;
    }

    int[] padLeft() {
        return padLeft;
    }

    INDArray keys(int layer) {
        return keys[layer];
    }

    INDArray values(int layer) {
        return values[layer];
    }

    void advance(int n) {
        if (length + n > capacity) {
            throw new IllegalStateException("cache full: " + length + " + " + n + " > " + capacity);
        }
        length += n;
    }
}
