package org.rlhf4j.cli.run;

/**
 * A run cannot start: its output directory already holds a run (and {@code --resume} was not given), or
 * an arm's feedback source rejected its settings. Raised before any judgment is asked for.
 */
public class RunSetupException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public RunSetupException(String message, Throwable cause) {
        super(message, cause);
    }

    public RunSetupException(String message) {
        super(message);
    }
}
