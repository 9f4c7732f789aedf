package org.rlhf4j.feedback.gan;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A discriminator source's saved state ({@code FeedbackSource.saveState}): a version number, then what the source writes.
 * Reading checks the version and turns a short or damaged state into an {@link IllegalArgumentException} naming the
 * source.
 */
final class SourceState {
    /** Writes a source's fields. */
    @FunctionalInterface
    interface Writer {
        void write(DataOutputStream out) throws IOException;
    }

    /** Reads them back, in the same order. */
    @FunctionalInterface
    interface Reader {
        void read(DataInputStream in) throws IOException;
    }

    private SourceState() {}

    /** The state: {@code version}, then {@code body}'s fields. */
    static byte[] write(int version, Writer body) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(version);
            body.write(out);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /**
     * Reads {@code state} into {@code body} when it is of {@code version}.
     *
     * @param what the source, for errors ({@code the ngram discriminator})
     * @throws IllegalArgumentException when the state is of another version, short or damaged
     */
    static void read(byte[] state, int version, String what, Reader body) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(state))) {
            if (in.readInt() != version) {
                throw new IllegalArgumentException("not a state of " + what + " (version)");
            }
            body.read(in);
        }
        catch (IOException e) {
            throw new IllegalArgumentException("not a state of " + what + ": " + e.getMessage(), e);
        }
    }
}
