package org.rlhf4j.cli;

/** A usage error found by a verb itself (exit code 2). */
public class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UsageException(String message) {
        super(message);
    }
}
