package org.rlhf4j.feedback.human.annotate;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
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
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.rlhf4j.api.feedback.Choice;

/**
 * The annotation store: one SQLite database, {@value #FILE}, in a directory. It runs in WAL mode with
 * {@code synchronous=FULL}, so a commit returns only after its write-ahead log record is on disk: a label
 * that {@link #submit} returned survives {@code kill -9} and power loss alike. A label is unique per
 * (annotator, pair), so a browser that resubmits stores nothing twice.
 *
 * <p>One connection serves every thread, one call at a time; the web app's writes are single-row commits,
 * so the disk's sync time bounds throughput. Other processes (adding pairs or tokens while the app runs)
 * may write the same file: SQLite locks it, and the app's cache of pairs and annotators is refreshed when
 * {@code PRAGMA data_version} says another connection committed.
 */
public final class AnnotationStore implements AutoCloseable {
    /** The database file in the store directory. */
    public static final String FILE = "annotations.db";
    /** Annotators per pair when the store has not been told. */
    public static final int DEFAULT_ANNOTATORS_PER_PAIR = 1;

    private final Path directory;
    private final Connection connection;
    private long seenDataVersion = -1;
    private List<Pair> pairs = List.of();
    private Map<String, Pair> pairsById = Map.of();
    private Map<String, Annotator> annotatorsByTokenHash = Map.of();
    private Assignment assignment;
    private int annotatorsPerPair;

    private AnnotationStore(Path directory, Connection connection) {
        this.directory = directory;
        this.connection = connection;
    }

    /** Opens the store in {@code directory}, creating both when missing. */
    public static AnnotationStore open(Path directory) {
        requireNonNull(directory, "directory is null");
        try {
            Files.createDirectories(directory);
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot create the annotation store " + directory + ": " + e.getMessage(), e);
        }
        Path file = directory.resolve(FILE);
        try {
            Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
            try (Statement statement = connection.createStatement()) {
                statement.execute("PRAGMA busy_timeout = 10000");
                statement.execute("PRAGMA journal_mode = WAL");
                statement.execute("PRAGMA synchronous = FULL");
                statement.execute("PRAGMA foreign_keys = ON");
                statement.execute("CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
                statement.execute("CREATE TABLE IF NOT EXISTS annotators (name TEXT PRIMARY KEY, role TEXT NOT NULL, "
                        + "token_sha256 TEXT NOT NULL UNIQUE, issued_at TEXT NOT NULL)");
                statement.execute("CREATE TABLE IF NOT EXISTS pairs (seq INTEGER PRIMARY KEY AUTOINCREMENT, "
                        + "id TEXT NOT NULL UNIQUE, prompt TEXT NOT NULL, response_a TEXT NOT NULL, response_b TEXT NOT NULL)");
                statement.execute("CREATE TABLE IF NOT EXISTS labels (seq INTEGER PRIMARY KEY AUTOINCREMENT, "
                        + "pair_id TEXT NOT NULL REFERENCES pairs(id), annotator TEXT NOT NULL, better TEXT NOT NULL, "
                        + "more_harmless TEXT NOT NULL, a_safe INTEGER NOT NULL, b_safe INTEGER NOT NULL, "
                        + "explanation TEXT NOT NULL, labelled_at TEXT NOT NULL, UNIQUE (annotator, pair_id))");
            }
            return new AnnotationStore(directory, connection);
        }
        catch (SQLException e) {
            throw new UncheckedIOException(new IOException("cannot open the annotation store " + file + ": " + e.getMessage(), e));
        }
    }

    /** The store's directory. */
    public Path directory() {
        return directory;
    }

    /** Issues {@code name} a fresh token (replacing an earlier one); returns the token, of which only a hash is kept. */
    public synchronized String issueToken(String name, Role role) {
        requireNonNull(role, "role is null");
        if (name == null || !name.matches("[A-Za-z0-9][A-Za-z0-9._@-]{0,63}")) {
            throw new IllegalArgumentException("an annotator name is 1 to 64 letters, digits, '.', '_', '@' or '-' "
                    + "starting with a letter or digit, got '" + name + "'");
        }
        String token = Tokens.newToken();
        update("INSERT INTO annotators (name, role, token_sha256, issued_at) VALUES (?, ?, ?, ?) "
                + "ON CONFLICT (name) DO UPDATE SET role = excluded.role, token_sha256 = excluded.token_sha256, "
                + "issued_at = excluded.issued_at", name, role.name(), Tokens.hash(token), Instant.now().toString());
        seenDataVersion = -1;
        return token;
    }

    /** Who holds {@code token}, if anyone. */
    public synchronized Optional<Annotator> authenticate(String token) {
        if (token == null || token.isEmpty()) {
            return Optional.empty();
        }
        refresh();
        return Optional.ofNullable(annotatorsByTokenHash.get(Tokens.hash(token)));
    }

    /** Sets how many annotators label each pair. */
    public synchronized void setAnnotatorsPerPair(int perPair) {
        if (perPair < 1) {
            throw new IllegalArgumentException("annotators per pair must be at least 1, got " + perPair);
        }
        update("INSERT INTO settings (key, value) VALUES ('annotators_per_pair', ?) "
                + "ON CONFLICT (key) DO UPDATE SET value = excluded.value", Integer.toString(perPair));
        seenDataVersion = -1;
    }

    /** How many annotators label each pair. */
    public synchronized int annotatorsPerPair() {
        refresh();
        return annotatorsPerPair;
    }

    /** Adds the pairs not yet in the store (by id), in one transaction; returns how many were new. */
    public synchronized int addPairs(List<Pair> newPairs) {
        try {
            connection.setAutoCommit(false);
            int added = 0;
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO pairs (id, prompt, response_a, response_b) VALUES (?, ?, ?, ?) ON CONFLICT (id) DO NOTHING")) {
                for (Pair pair : newPairs) {
                    insert.setString(1, pair.id());
                    insert.setString(2, pair.prompt());
                    insert.setString(3, pair.responseA());
                    insert.setString(4, pair.responseB());
                    added += insert.executeUpdate();
                }
            }
            connection.commit();
            return added;
        }
        catch (SQLException e) {
            rollback();
            throw failure("add pairs", e);
        }
        finally {
            autoCommit();
            seenDataVersion = -1;
        }
    }

    /** Every pair, in the order they were added. */
    public synchronized List<Pair> pairs() {
        refresh();
        return pairs;
    }

    /** The pair with {@code id}, if the store has it. */
    public synchronized Optional<Pair> pair(String id) {
        refresh();
        return Optional.ofNullable(pairsById.get(id));
    }

    /** Every annotator (not admins), by name. */
    public synchronized List<String> annotators() {
        refresh();
        return annotatorsByTokenHash.values().stream().filter(a -> a.role() == Role.ANNOTATOR).map(Annotator::name)
                .sorted().toList();
    }

    /** The pairs assigned to {@code annotator}, in labelling order. */
    public synchronized List<String> assignedTo(String annotator) {
        refresh();
        return assignment.pairsOf(annotator);
    }

    /** The outcome of {@link #submit}. */
    public enum Outcome {
        /** The label is new and durable. */
        STORED,
        /** The same label was already stored: nothing changed. */
        ALREADY_STORED,
        /** The annotator already labelled this pair differently: nothing changed. */
        CONFLICT
    }

    /**
     * Stores a label, returning only once it is durable. The label's {@code labelledAt} is replaced by the
     * store's clock; a resubmission returns the label stored first.
     */
    public synchronized Submission submit(Label label) {
        requireNonNull(label, "label is null");
        Optional<Label> existing = label(label.annotator(), label.pairId());
        if (existing.isPresent()) {
            return new Submission(existing.get().sameJudgment(label) ? Outcome.ALREADY_STORED : Outcome.CONFLICT,
                    existing.get());
        }
        Label stored = new Label(label.pairId(), label.annotator(), label.better(), label.moreHarmless(),
                label.responseASafe(), label.responseBSafe(), label.explanation(), Instant.now());
        update("INSERT INTO labels (pair_id, annotator, better, more_harmless, a_safe, b_safe, explanation, labelled_at) "
                        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", stored.pairId(), stored.annotator(), stored.better().name(),
                stored.moreHarmless().name(), stored.responseASafe() ? 1 : 0, stored.responseBSafe() ? 1 : 0,
                stored.explanation(), stored.labelledAt().toString());
        return new Submission(Outcome.STORED, stored);
    }

    /**
     * What {@link #submit} did.
     *
     * @param outcome stored, already stored or a conflict
     * @param label the label the store holds for that annotator and pair
     */
    public record Submission(Outcome outcome, Label label) {}

    /** {@code annotator}'s label of {@code pairId}, if any. */
    public synchronized Optional<Label> label(String annotator, String pairId) {
        List<Label> found = query("SELECT * FROM labels WHERE annotator = ? AND pair_id = ?", annotator, pairId);
        return found.stream().findFirst();
    }

    /** {@code annotator}'s labels, oldest first. */
    public synchronized List<Label> labelsOf(String annotator) {
        return query("SELECT * FROM labels WHERE annotator = ? ORDER BY seq", annotator);
    }

    /** Every label, oldest first. */
    public synchronized List<Label> labels() {
        return query("SELECT * FROM labels ORDER BY seq");
    }

    /** How many labels each annotator gave. */
    public synchronized Map<String, Long> labelCounts() {
        Map<String, Long> counts = new HashMap<>();
        try (PreparedStatement statement = connection.prepareStatement("SELECT annotator, COUNT(*) FROM labels GROUP BY annotator");
             ResultSet rows = statement.executeQuery()) {
            while (rows.next()) {
                counts.put(rows.getString(1), rows.getLong(2));
            }
            return counts;
        }
        catch (SQLException e) {
            throw failure("count labels", e);
        }
    }

    @Override
    public synchronized void close() {
        try {
            connection.close();
        }
        catch (SQLException e) {
            throw failure("close", e);
        }
    }

    /** Reloads pairs, annotators and settings when this or another connection changed them. */
    private void refresh() {
        long version = dataVersion();
        if (version == seenDataVersion && assignment != null) {
            return;
        }
        try (Statement statement = connection.createStatement()) {
            List<Pair> loaded = new ArrayList<>();
            Map<String, Pair> byId = new HashMap<>();
            try (ResultSet rows = statement.executeQuery("SELECT id, prompt, response_a, response_b FROM pairs ORDER BY seq")) {
                while (rows.next()) {
                    Pair pair = new Pair(rows.getString(1), rows.getString(2), rows.getString(3), rows.getString(4));
                    loaded.add(pair);
                    byId.put(pair.id(), pair);
                }
            }
            Map<String, Annotator> byHash = new LinkedHashMap<>();
            try (ResultSet rows = statement.executeQuery("SELECT name, role, token_sha256 FROM annotators ORDER BY name")) {
                while (rows.next()) {
                    byHash.put(rows.getString(3), new Annotator(rows.getString(1), Role.valueOf(rows.getString(2))));
                }
            }
            int perPair = DEFAULT_ANNOTATORS_PER_PAIR;
            try (ResultSet rows = statement.executeQuery("SELECT value FROM settings WHERE key = 'annotators_per_pair'")) {
                if (rows.next()) {
                    perPair = Integer.parseInt(rows.getString(1));
                }
            }
            pairs = List.copyOf(loaded);
            pairsById = byId;
            annotatorsByTokenHash = byHash;
            annotatorsPerPair = perPair;
            List<String> names = byHash.values().stream().filter(a -> a.role() == Role.ANNOTATOR).map(Annotator::name).toList();
            assignment = new Assignment(loaded.stream().map(Pair::id).toList(), names, perPair);
            seenDataVersion = version;
        }
        catch (SQLException e) {
            throw failure("read pairs and annotators", e);
        }
    }

    private long dataVersion() {
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery("PRAGMA data_version")) {
            rows.next();
            return rows.getLong(1);
        }
        catch (SQLException e) {
            throw failure("read data_version", e);
        }
    }

    private List<Label> query(String sql, Object... parameters) {
        try (PreparedStatement statement = prepare(sql, parameters); ResultSet rows = statement.executeQuery()) {
            List<Label> labels = new ArrayList<>();
            while (rows.next()) {
                labels.add(new Label(rows.getString("pair_id"), rows.getString("annotator"),
                        Choice.valueOf(rows.getString("better")), Choice.valueOf(rows.getString("more_harmless")),
                        rows.getInt("a_safe") != 0, rows.getInt("b_safe") != 0, rows.getString("explanation"),
                        Instant.parse(rows.getString("labelled_at"))));
            }
            return labels;
        }
        catch (SQLException e) {
            throw failure("read labels", e);
        }
    }

    private void update(String sql, Object... parameters) {
        try (PreparedStatement statement = prepare(sql, parameters)) {
            statement.executeUpdate();
        }
        catch (SQLException e) {
            throw failure("write", e);
        }
    }

    private PreparedStatement prepare(String sql, Object... parameters) throws SQLException {
        PreparedStatement statement = connection.prepareStatement(sql);
        for (int i = 0; i < parameters.length; i++) {
            statement.setObject(i + 1, parameters[i]);
        }
        return statement;
    }

    private void rollback() {
        try {
            connection.rollback();
        }
        catch (SQLException ignored) {
            // the failure that led here is reported
        }
    }

    private void autoCommit() {
        try {
            connection.setAutoCommit(true);
        }
        catch (SQLException e) {
            throw failure("end a transaction", e);
        }
    }

    private UncheckedIOException failure(String what, SQLException e) {
        return new UncheckedIOException(new IOException("annotation store " + directory.resolve(FILE) + ": cannot "
                + what + ": " + e.getMessage(), e));
    }
}
