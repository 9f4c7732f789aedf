package org.rlhf4j.feedback.human.annotate;

/** A request the web app refuses, with the HTTP status and a message for the client. */
final class RequestException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;

    RequestException(int status, String message) {
        super(message);
        this.status = status;
    }

    int status() {
        return status;
    }
}
