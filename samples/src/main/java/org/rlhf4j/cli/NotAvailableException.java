package org.rlhf4j.cli;

/** A verb whose implementation is missing from this build (exit code 3). */
public class NotAvailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public NotAvailableException(String message) {
        super(message);
    }
}
