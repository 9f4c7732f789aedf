package org.rlhf4j.experiment.run;

/**
 * A run directory cannot be used as asked: a fresh run finds a run already there, a resumed one finds
 * none, or the saved tokenizer does not match the config. Raised before any training.
 */
public class RunDirectoryException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    public RunDirectoryException(String message) {
        super(message);
    }
}
