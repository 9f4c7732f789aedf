package org.rlhf4j.api.io;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Files that survive a crash or a power cut whole or not at all: the one way rlhf4j writes a file it must not lose
 * (summaries, reports, tokenizers, a source's state, preference files, checkpoints).
 *
 * <p>A durable write puts the bytes in a temporary file beside the target, forces them to disk, renames the temporary
 * file over the target with an atomic move, and forces the directory, so that the rename itself is on disk: after a
 * crash at any point, a reader finds the old file or the new one, never a mix or nothing. (A rename that is not
 * followed by a sync of the directory can be lost by a power cut on POSIX file systems.)
 */
public final class DurableFiles {
    private DurableFiles() {}

    /** Writes {@code text} (UTF-8) to {@code file} durably. */
    public static void write(Path file, String text) throws IOException {
        requireNonNull(text, "text is null");
        write(file, text.getBytes(UTF_8));
    }

    /** Writes {@code bytes} to {@code file} durably, replacing it whole. */
    public static void write(Path file, byte[] bytes) throws IOException {
        requireNonNull(file, "file is null");
        requireNonNull(bytes, "bytes is null");
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(temporary);
        writeNew(temporary, bytes);
        move(temporary, file);
    }

    /** Creates {@code file} (which must not exist) with {@code bytes}, forced to disk. */
    public static void writeNew(Path file, byte[] bytes) throws IOException {
        requireNonNull(file, "file is null");
        requireNonNull(bytes, "bytes is null");
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        }
    }

    /**
     * Moves the complete file or directory {@code source} over {@code target} atomically and durably: a regular file is
     * forced to disk first, then renamed, then the target's directory (and the source's, when another) is forced.
     * A directory's own content must already be durable ({@link #syncDirectory}).
     */
    public static void move(Path source, Path target) throws IOException {
        requireNonNull(source, "source is null");
        requireNonNull(target, "target is null");
        if (Files.isRegularFile(source)) {
            try (FileChannel channel = FileChannel.open(source, StandardOpenOption.WRITE)) {
                channel.force(true);
            }
        }
        Files.move(source, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        Path targetDirectory = parent(target);
        syncDirectory(targetDirectory);
        Path sourceDirectory = parent(source);
        if (!sourceDirectory.equals(targetDirectory)) {
            syncDirectory(sourceDirectory);
        }
    }

    /**
     * Forces a directory's entries (the files created, renamed or deleted in it) to disk; a no-op on Windows, where a
     * directory cannot be opened and renames are durable by themselves.
     */
    public static void syncDirectory(Path directory) throws IOException {
        requireNonNull(directory, "directory is null");
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        }
        catch (IOException e) {
            if (Files.isDirectory(directory) && System.getProperty("os.name", "").startsWith("Windows")) {
                return;
            }
            throw e;
        }
    }

    private static Path parent(Path path) {
        Path parent = path.toAbsolutePath().getParent();
        return parent == null ? path.toAbsolutePath().getRoot() : parent;
    }
}
