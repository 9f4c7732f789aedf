package org.rlhf4j.report;

/** A run directory the report cannot be built from (no summary, not a task experiment, a damaged file). */
public final class ReportException extends RuntimeException {
    public ReportException(String message) {
        super(message);
    }

    public ReportException(String message, Throwable cause) {
        super(message, cause);
    }
}
