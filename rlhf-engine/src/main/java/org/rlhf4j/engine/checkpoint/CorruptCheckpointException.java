package org.rlhf4j.engine.checkpoint;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.file.Path;

/** A checkpoint file is missing, truncated, or does not match its manifest; {@link #file()} names it. */
public class CorruptCheckpointException extends IOException {
    private final Path file;

    public CorruptCheckpointException(Path file, String problem) {
        this(file, problem, null);
    }

    public CorruptCheckpointException(Path file, String problem, Throwable cause) {
        super("corrupt checkpoint file " + requireNonNull(file, "file is null") + ": " + problem, cause);
        this.file = file;
    }

    /** The offending file. */
    public Path file() {
        return file;
    }
}
