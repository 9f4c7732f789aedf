package org.rlhf4j.api.io;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;

/** A data file holds something it should not; the message names the file and line. */
public class DataFormatException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final long line;

    public DataFormatException(Path file, long line, String problem, Throwable cause) {
        super(file + ":" + line + ": " + problem, cause);
        this.file = requireNonNull(file, "file is null");
        this.line = line;
    }

    public DataFormatException(Path file, long line, String problem) {
        this(file, line, problem, null);
    }

    public Path file() {
        return file;
    }

    /** The 1-based line number. */
    public long line() {
        return line;
    }
}
