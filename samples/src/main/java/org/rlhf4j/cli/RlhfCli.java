package org.rlhf4j.cli;

/** Placeholder entry point, replaced by the picocli command tree. */
public final class RlhfCli {
    public static void main(String[] args) {
        System.err.println("rlhf: the CLI is being built");
        System.exit(2);
    }
}
