package org.rlhf4j.cli;

/** The exit codes of the {@code rlhf} command, documented in README.md ("The rlhf command"). */
public final class ExitCodes {
    /** Success. */
    public static final int OK = 0;
    /** A runtime failure: bad input data, an unreachable judge, an I/O error. */
    public static final int RUNTIME = 1;
    /** A usage or config error, reported before any work starts. */
    public static final int USAGE = 2;
    /** The verb exists but is not available in this build yet. */
    public static final int NOT_AVAILABLE = 3;

    private ExitCodes() {}
}
