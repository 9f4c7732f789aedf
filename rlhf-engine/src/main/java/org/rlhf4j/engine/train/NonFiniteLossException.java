package org.rlhf4j.engine.train;

/**
 * Training produced a non-finite loss or gradient too many times in a row; the run stops, keeping its last
 * good checkpoint.
 */
public final class NonFiniteLossException extends RuntimeException {
    public NonFiniteLossException(String message) {
        super(message);
    }
}
