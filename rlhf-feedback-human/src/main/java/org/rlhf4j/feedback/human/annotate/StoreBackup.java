package org.rlhf4j.feedback.human.annotate;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A consistent copy of an annotation store while it is in use: SQLite's {@code VACUUM INTO} reads the store in
 * one read transaction (a snapshot; in WAL mode the server keeps writing meanwhile) and writes a compact copy.
 * The copy goes to a temporary file beside the target, is forced to disk, then renamed into place, so the target
 * is either absent or complete. A copy is an ordinary store file: {@code --store FILE} opens it.
 */
public final class StoreBackup {
    private StoreBackup() {}

    /**
     * What a backup holds.
     *
     * @param file the copy
     * @param schemaVersion its schema version
     * @param changes how many label changes its history holds
     * @param lastChange the sequence number of its latest change (0 when none)
     */
    public record Result(Path file, int schemaVersion, long changes, long lastChange) {}

    /** Copies the store at {@code store} (a directory or a database file) to {@code target}, which must not exist. */
    public static Result backup(Path store, Path target) {
        requireNonNull(store, "store is null");
        requireNonNull(target, "target is null");
        Path file = AnnotationStore.databaseFile(store);
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("no annotation store at " + store + " (no " + file + ")");
        }
        if (Files.exists(target)) {
            throw new IllegalArgumentException("the backup target " + target + " already exists; name a new file");
        }
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath())) {
            try (Statement statement = connection.createStatement()) {
                statement.execute("PRAGMA busy_timeout = 10000");
            }
            copy(connection, target);
        }
        catch (SQLException e) {
            throw new UncheckedIOException(new IOException("cannot back up " + file + " to " + target + ": " + e.getMessage(), e));
        }
        return describe(target);
    }

    /** Writes a consistent copy of the database on {@code connection} to {@code target} (absent), atomically. */
    static void copy(Connection connection, Path target) throws SQLException {
        Path absolute = target.toAbsolutePath();
        Path partial = absolute.resolveSibling(absolute.getFileName() + ".partial");
        try {
            Files.createDirectories(absolute.getParent());
            Files.deleteIfExists(partial);
            try (PreparedStatement vacuum = connection.prepareStatement("VACUUM INTO ?")) {
                vacuum.setString(1, partial.toString());
                vacuum.execute();
            }
            try (FileChannel channel = FileChannel.open(partial, StandardOpenOption.WRITE)) {
                channel.force(true);
            }
            Files.move(partial, absolute, StandardCopyOption.ATOMIC_MOVE);
            try (FileChannel directory = FileChannel.open(absolute.getParent(), StandardOpenOption.READ)) {
                directory.force(true);
            }
            catch (IOException e) {
                // not every file system lets a directory be synced; the rename itself is atomic
            }
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot write the store copy " + target + ": " + e.getMessage(), e);
        }
    }

    private static Result describe(Path target) {
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + target.toAbsolutePath());
             Statement statement = connection.createStatement()) {
            int version = StoreSchema.version(connection);
            try (ResultSet check = statement.executeQuery("PRAGMA integrity_check")) {
                check.next();
                if (!"ok".equals(check.getString(1))) {
                    throw new IllegalStateException("the backup " + target + " fails SQLite's integrity check: " + check.getString(1));
                }
            }
            if (version < 2) {
                try (ResultSet rows = statement.executeQuery("SELECT COUNT(*), COALESCE(MAX(seq), 0) FROM labels")) {
                    rows.next();
                    return new Result(target, version, rows.getLong(1), rows.getLong(2));
                }
            }
            try (ResultSet rows = statement.executeQuery("SELECT COUNT(*), COALESCE(MAX(seq), 0) FROM label_changes")) {
                rows.next();
                return new Result(target, version, rows.getLong(1), rows.getLong(2));
            }
        }
        catch (SQLException e) {
            throw new UncheckedIOException(new IOException("cannot read the backup " + target + ": " + e.getMessage(), e));
        }
    }
}
