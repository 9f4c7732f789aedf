package org.rlhf4j.api.feedback;

/** A feedback source could not give the feedback asked for (unreachable judge, unknown comparison, ...). */
public class FeedbackException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public FeedbackException(String message) {
        super(message);
    }

    public FeedbackException(String message, Throwable cause) {
        super(message, cause);
    }
}
