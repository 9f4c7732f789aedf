package org.rlhf4j.engine.optim;

import static java.util.Objects.requireNonNull;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.Charset;

/**
 * Drops the lines of {@code System.out} that start with a prefix while an action runs: SameDiff M2.1
 * prints {@code Added differentiated op <name>} on standard output, unconditionally and not through its
 * logger, for every op of a graph when it builds the gradient function (hundreds of lines per graph).
 * Every other line passes through unchanged.
 */
final class QuietStdout extends OutputStream {
    private final PrintStream target;
    private final byte[] prefix;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();

    private QuietStdout(PrintStream target, String prefix) {
        this.target = requireNonNull(target, "target is null");
        this.prefix = prefix.getBytes(Charset.defaultCharset());
    }

    /** Runs {@code action} with the lines of standard output that start with {@code prefix} dropped. */
    static void run(String prefix, Runnable action) {
        PrintStream original = System.out;
        QuietStdout filter = new QuietStdout(original, prefix);
        System.setOut(new PrintStream(filter, true, Charset.defaultCharset()));
        try {
            action.run();
        }
        finally {
            System.out.flush();
            System.setOut(original);
            filter.flushPartialLine();
        }
    }

    @Override
    public synchronized void write(int b) {
        line.write(b);
        if (b == '\n') {
            byte[] bytes = line.toByteArray();
            line.reset();
            if (!startsWithPrefix(bytes)) {
                target.write(bytes, 0, bytes.length);
            }
        }
    }

    private synchronized void flushPartialLine() {
        if (line.size() > 0) {
            target.write(line.toByteArray(), 0, line.size());
            line.reset();
        }
        target.flush();
    }

    private boolean startsWithPrefix(byte[] bytes) {
        if (bytes.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (bytes[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }
}
