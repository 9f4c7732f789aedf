package org.rlhf4j.engine.hf;

/**
 * A checkpoint file that cannot be used: a malformed or hostile safetensors file, a {@code config.json} of an unsupported
 * model, a tensor missing or of the wrong shape, a tokenizer that does not fit the model. The message names the file and,
 * where there is one, the tensor or key.
 */
public final class CheckpointFormatException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public CheckpointFormatException(String message) {
        super(message);
    }

    public CheckpointFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
