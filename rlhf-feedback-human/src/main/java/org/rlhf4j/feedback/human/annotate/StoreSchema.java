package org.rlhf4j.feedback.human.annotate;

import static java.util.Objects.requireNonNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.List;

/**
 * The annotation store's schema and its migrations. The version is SQLite's {@code PRAGMA user_version}; every
 * applied migration is also recorded, with its time, in {@code schema_migrations}. Opening a store runs the
 * migrations from its version to {@link #CURRENT} in one exclusive transaction, so a crash mid-migration leaves
 * the store as it was, and two processes opening an old store at once migrate it once.
 *
 * <ul>
 *   <li>Version 1: the first layout (stores written before versions were recorded have {@code user_version} 0 and
 *       this layout): {@code settings}, {@code annotators} (a token's SHA-256), {@code pairs}, and {@code labels}
 *       with one final label per (annotator, pair).</li>
 *   <li>Version 2: tokens may expire ({@code annotators.expires_at}) and be revoked ({@code annotators.revoked_at});
 *       labels become an append-only history, {@code label_changes} (every label, change, withdrawal and undo with
 *       its time and author, never updated or deleted), and {@code current_labels} points at each (annotator,
 *       pair)'s latest change. The version 1 labels become the first changes, in their order.</li>
 * </ul>
 *
 * Before migrating a store that holds data, a copy of it as it was is written beside it
 * ({@code annotations.v1.db} for a version 1 store).
 */
final class StoreSchema {
    /** The version this code reads and writes. */
    static final int CURRENT = 2;

    private static final List<Migration> MIGRATIONS = List.of(
            new Migration(1, "the first layout: settings, annotators, pairs, one final label per annotator and pair", List.of(
                    "CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
                    "CREATE TABLE IF NOT EXISTS annotators (name TEXT PRIMARY KEY, role TEXT NOT NULL, "
                            + "token_sha256 TEXT NOT NULL UNIQUE, issued_at TEXT NOT NULL)",
                    "CREATE TABLE IF NOT EXISTS pairs (seq INTEGER PRIMARY KEY AUTOINCREMENT, "
                            + "id TEXT NOT NULL UNIQUE, prompt TEXT NOT NULL, response_a TEXT NOT NULL, response_b TEXT NOT NULL)",
                    "CREATE TABLE IF NOT EXISTS labels (seq INTEGER PRIMARY KEY AUTOINCREMENT, "
                            + "pair_id TEXT NOT NULL REFERENCES pairs(id), annotator TEXT NOT NULL, better TEXT NOT NULL, "
                            + "more_harmless TEXT NOT NULL, a_safe INTEGER NOT NULL, b_safe INTEGER NOT NULL, "
                            + "explanation TEXT NOT NULL, labelled_at TEXT NOT NULL, UNIQUE (annotator, pair_id))")),
            new Migration(2, "token expiry and revocation; labels as an append-only history of changes", List.of(
                    "ALTER TABLE annotators ADD COLUMN expires_at TEXT",
                    "ALTER TABLE annotators ADD COLUMN revoked_at TEXT",
                    "CREATE TABLE label_changes (seq INTEGER PRIMARY KEY AUTOINCREMENT, "
                            + "pair_id TEXT NOT NULL REFERENCES pairs(id), annotator TEXT NOT NULL, "
                            + "action TEXT NOT NULL CHECK (action IN ('label', 'withdraw', 'undo')), "
                            + "better TEXT, more_harmless TEXT, a_safe INTEGER, b_safe INTEGER, explanation TEXT, "
                            + "undoes INTEGER REFERENCES label_changes(seq), author TEXT NOT NULL, changed_at TEXT NOT NULL, "
                            + "request_id TEXT, "
                            + "CHECK ((better IS NULL) = (more_harmless IS NULL) AND (better IS NULL) = (a_safe IS NULL) "
                            + "AND (better IS NULL) = (b_safe IS NULL) AND (better IS NULL) = (explanation IS NULL)))",
                    "CREATE UNIQUE INDEX label_changes_request ON label_changes (annotator, request_id) "
                            + "WHERE request_id IS NOT NULL",
                    "CREATE INDEX label_changes_pair ON label_changes (annotator, pair_id, seq)",
                    "CREATE INDEX label_changes_undoes ON label_changes (undoes) WHERE undoes IS NOT NULL",
                    "CREATE TABLE current_labels (annotator TEXT NOT NULL, pair_id TEXT NOT NULL, "
                            + "change_seq INTEGER NOT NULL REFERENCES label_changes(seq), PRIMARY KEY (annotator, pair_id))",
                    "INSERT INTO label_changes (pair_id, annotator, action, better, more_harmless, a_safe, b_safe, "
                            + "explanation, author, changed_at) SELECT pair_id, annotator, 'label', better, more_harmless, "
                            + "a_safe, b_safe, explanation, annotator, labelled_at FROM labels ORDER BY seq",
                    "INSERT INTO current_labels (annotator, pair_id, change_seq) "
                            + "SELECT annotator, pair_id, MAX(seq) FROM label_changes GROUP BY annotator, pair_id",
                    "DROP TABLE labels")));

    private StoreSchema() {}

    /** A step from {@code version - 1} to {@code version}. */
    private record Migration(int version, String description, List<String> statements) {}

    /**
     * Brings the store on {@code connection} (the file {@code file}) to {@link #CURRENT}; returns the version it had.
     *
     * @throws IllegalStateException when the store was written by a newer version of this code
     */
    static int migrate(Connection connection, Path file, Clock clock) throws SQLException {
        requireNonNull(connection, "connection is null");
        int found = version(connection);
        if (found > CURRENT) {
            throw new IllegalStateException("the annotation store " + file + " has schema version " + found
                    + ", written by a newer rlhf4j; this one reads versions up to " + CURRENT);
        }
        if (found == CURRENT) {
            return found;
        }
        if (holdsData(connection)) {
            keepCopy(connection, file, Math.max(found, 1));
        }
        try (Statement statement = connection.createStatement()) {
            statement.execute("BEGIN EXCLUSIVE");
            try {
                int version = version(connection); // another process may have migrated meanwhile
                statement.execute("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
                        + "applied_at TEXT NOT NULL, description TEXT NOT NULL)");
                for (Migration migration : MIGRATIONS) {
                    if (migration.version() <= version) {
                        continue;
                    }
                    for (String sql : migration.statements()) {
                        statement.execute(sql);
                    }
                    try (PreparedStatement record = connection.prepareStatement(
                            "INSERT INTO schema_migrations (version, applied_at, description) VALUES (?, ?, ?)")) {
                        record.setInt(1, migration.version());
                        record.setString(2, clock.instant().toString());
                        record.setString(3, migration.description());
                        record.executeUpdate();
                    }
                    statement.execute("PRAGMA user_version = " + migration.version());
                }
                statement.execute("COMMIT");
            }
            catch (SQLException | RuntimeException e) {
                statement.execute("ROLLBACK");
                throw e;
            }
        }
        return found;
    }

    /** The store's schema version ({@code PRAGMA user_version}; 0 for a new file or one of the first layout). */
    static int version(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery("PRAGMA user_version")) {
            rows.next();
            return rows.getInt(1);
        }
    }

    /** The file a copy of a version {@code version} store is kept in before it is migrated. */
    static Path copyBeforeMigration(Path file, int version) {
        String name = file.getFileName().toString().replaceFirst("\\.db$", "");
        return file.resolveSibling(name + ".v" + version + ".db");
    }

    private static boolean holdsData(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' "
                     + "AND name IN ('annotators', 'pairs', 'labels', 'label_changes')")) {
            rows.next();
            return rows.getInt(1) > 0;
        }
    }

    private static void keepCopy(Connection connection, Path file, int version) throws SQLException {
        Path copy = copyBeforeMigration(file, version);
        if (!Files.exists(copy)) {
            StoreBackup.copy(connection, copy);
        }
    }
}
