package org.rlhf4j.feedback.human.annotate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rlhf4j.api.feedback.Choice;

/**
 * Schema versions: a store written in the first layout (as the app wrote it before versions were recorded, with
 * {@code user_version} 0) is migrated on open to the current one, keeping every label, token and pair, and a copy
 * of the store as it was; a store from a newer version is refused.
 */
class TestStoreSchema {
    /** The first layout, exactly as the app created it before schema versions (commit 4280e95). */
    private static final List<String> FIRST_LAYOUT = List.of(
            "PRAGMA journal_mode = WAL",
            "CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
            "CREATE TABLE IF NOT EXISTS annotators (name TEXT PRIMARY KEY, role TEXT NOT NULL, "
                    + "token_sha256 TEXT NOT NULL UNIQUE, issued_at TEXT NOT NULL)",
            "CREATE TABLE IF NOT EXISTS pairs (seq INTEGER PRIMARY KEY AUTOINCREMENT, "
                    + "id TEXT NOT NULL UNIQUE, prompt TEXT NOT NULL, response_a TEXT NOT NULL, response_b TEXT NOT NULL)",
            "CREATE TABLE IF NOT EXISTS labels (seq INTEGER PRIMARY KEY AUTOINCREMENT, "
                    + "pair_id TEXT NOT NULL REFERENCES pairs(id), annotator TEXT NOT NULL, better TEXT NOT NULL, "
                    + "more_harmless TEXT NOT NULL, a_safe INTEGER NOT NULL, b_safe INTEGER NOT NULL, "
                    + "explanation TEXT NOT NULL, labelled_at TEXT NOT NULL, UNIQUE (annotator, pair_id))");

    @TempDir
    Path directory;

    @Test
    void aStoreInTheFirstLayoutIsMigratedKeepingEveryLabelTokenAndPair() throws Exception {
        Path file = directory.resolve(AnnotationStore.FILE);
        String aliceToken = Tokens.newToken();
        String leadToken = Tokens.newToken();
        try (Connection old = DriverManager.getConnection("jdbc:sqlite:" + file)) {
            try (Statement statement = old.createStatement()) {
                for (String sql : FIRST_LAYOUT) {
                    statement.execute(sql);
                }
                statement.execute("INSERT INTO settings VALUES ('annotators_per_pair', '2')");
                statement.execute("INSERT INTO pairs (id, prompt, response_a, response_b) VALUES "
                        + "('p1', 'Say hi', 'Hello!', 'Go away.'), ('p2', '2+2?', '4', '5')");
            }
            insert(old, "INSERT INTO annotators VALUES (?, ?, ?, ?)", "alice", "ANNOTATOR", Tokens.hash(aliceToken), "2025-01-01T10:00:00Z");
            insert(old, "INSERT INTO annotators VALUES (?, ?, ?, ?)", "bob", "ANNOTATOR", Tokens.hash(Tokens.newToken()), "2025-01-01T10:00:00Z");
            insert(old, "INSERT INTO annotators VALUES (?, ?, ?, ?)", "lead", "ADMIN", Tokens.hash(leadToken), "2025-01-01T10:00:00Z");
            String labels = "INSERT INTO labels (pair_id, annotator, better, more_harmless, a_safe, b_safe, explanation, "
                    + "labelled_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
            insert(old, labels, "p2", "bob", "B", "TIE", 1, 0, "", "2025-01-02T08:00:00.5Z");
            insert(old, labels, "p1", "alice", "A", "A", 1, 0, "B is rude", "2025-01-02T09:00:00Z");
            insert(old, labels, "p2", "alice", "A", "TIE", 1, 1, "", "2025-01-02T09:01:00Z");
            assertEquals(0, StoreSchema.version(old), "the first layout recorded no version");
        }

        try (AnnotationStore store = AnnotationStore.open(directory)) {
            assertEquals(0, store.migratedFrom());
            assertEquals(StoreSchema.CURRENT, store.schemaVersion());
            assertEquals(List.of("p1", "p2"), store.pairs().stream().map(Pair::id).toList());
            assertEquals(2, store.annotatorsPerPair());
            assertEquals("alice", store.tokenHolder(aliceToken).orElseThrow().name(), "hashed tokens keep working");
            assertEquals(Role.ADMIN, store.tokenHolder(leadToken).orElseThrow().role());
            assertEquals(TokenInfo.Status.ACTIVE, store.tokenHolder(aliceToken).orElseThrow().status(Instant.now()));

            List<LabelChange> history = store.history();
            assertEquals(3, history.size(), "every label became a change, in the order stored");
            assertEquals(List.of("bob", "alice", "alice"), history.stream().map(LabelChange::annotator).toList());
            assertEquals(List.of("bob", "alice", "alice"), history.stream().map(LabelChange::author).toList());
            assertTrue(history.stream().allMatch(change -> change.action() == LabelChange.Action.LABEL));
            assertEquals(Instant.parse("2025-01-02T08:00:00.5Z"), history.get(0).at(), "the label's time is kept");
            Label rude = store.label("alice", "p1").orElseThrow();
            assertEquals(new Label("p1", "alice", Choice.A, Choice.A, true, false, "B is rude",
                    Instant.parse("2025-01-02T09:00:00Z")), rude);
            assertEquals(3, store.labels().size());

            // the migrated store takes edits, and its sequence continues after the old labels
            ChangeResult changed = store.label(new Label("p2", "bob", Choice.A, Choice.TIE, true, false, "", Instant.EPOCH),
                    Optional.empty());
            assertEquals(ChangeResult.Outcome.CHANGED, changed.outcome());
            assertEquals(4, changed.change().orElseThrow().seq());
        }
        assertEquals(List.of("1", "2"), column(file, "SELECT version FROM schema_migrations ORDER BY version"));

        Path copy = directory.resolve("annotations.v1.db");
        assertTrue(Files.isRegularFile(copy), "a copy of the store as it was is kept");
        assertEquals(List.of("3"), column(copy, "SELECT COUNT(*) FROM labels"));
        assertEquals(List.of("0"), column(copy, "PRAGMA user_version"));

        try (AnnotationStore again = AnnotationStore.open(directory)) {
            assertEquals(StoreSchema.CURRENT, again.migratedFrom(), "nothing to migrate the second time");
            assertEquals(4, again.history().size());
        }
    }

    @Test
    void aNewStoreStartsAtTheCurrentVersionWithNoCopy() throws Exception {
        try (AnnotationStore store = AnnotationStore.open(directory)) {
            assertEquals(StoreSchema.CURRENT, store.schemaVersion());
        }
        try (var files = Files.list(directory)) {
            assertTrue(files.noneMatch(path -> path.getFileName().toString().matches(".*\\.v\\d+\\.db")));
        }
    }

    @Test
    void aStoreFromANewerVersionIsRefusedUntouched() throws Exception {
        AnnotationStore.open(directory).close();
        Path file = directory.resolve(AnnotationStore.FILE);
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
             Statement statement = connection.createStatement()) {
            statement.execute("PRAGMA user_version = " + (StoreSchema.CURRENT + 1));
        }
        IllegalStateException refused = assertThrows(IllegalStateException.class, () -> AnnotationStore.open(directory));
        assertTrue(refused.getMessage().contains("schema version " + (StoreSchema.CURRENT + 1) + ", written by a newer rlhf4j"),
                refused.getMessage());
        assertEquals(List.of(Integer.toString(StoreSchema.CURRENT + 1)), column(file, "PRAGMA user_version"));
    }

    private static void insert(Connection connection, String sql, Object... values) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < values.length; i++) {
                statement.setObject(i + 1, values[i]);
            }
            statement.executeUpdate();
        }
    }

    private static List<String> column(Path file, String sql) throws SQLException {
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
             Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
            List<String> values = new ArrayList<>();
            while (rows.next()) {
                values.add(rows.getString(1));
            }
            return values;
        }
    }
}
