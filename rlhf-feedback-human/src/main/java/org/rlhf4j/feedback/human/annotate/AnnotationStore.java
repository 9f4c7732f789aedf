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
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Supplier;
import org.rlhf4j.api.feedback.Choice;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The annotation store: one SQLite database, {@value #FILE} in a directory (or any store file, such as a
 * backup). It runs in WAL mode with {@code synchronous=FULL}, so a commit returns only after its write-ahead log
 * record is on disk: a change that a method here returned survives {@code kill -9} and power loss alike.
 *
 * <p>Labels are an append-only history ({@link LabelChange}): labelling, relabelling, withdrawing and undoing
 * each append one change with its time and author, and nothing is ever overwritten; the current label of each
 * (annotator, pair) is its latest change's. A change may carry a request id (the client's idempotency key): a
 * retry with the same id appends nothing and answers the first outcome. The schema is versioned and older
 * stores are migrated on open ({@link StoreSchema}).
 *
 * <p>One connection serves every thread, one call at a time. Other processes (issuing or revoking tokens,
 * adding pairs, taking a backup while the app runs) may use the same file: SQLite locks it, and the cache of
 * pairs and tokens is refreshed when {@code PRAGMA data_version} says another connection committed, so a
 * revocation holds from the next request on.
 */
public final class AnnotationStore implements AutoCloseable {
    /** The database file in a store directory. */
    public static final String FILE = "annotations.db";
    /** Annotators per pair when the store has not been told. */
    public static final int DEFAULT_ANNOTATORS_PER_PAIR = 1;

    private static final Logger LOG = LoggerFactory.getLogger(AnnotationStore.class);
    private static final String CHANGE_COLUMNS = "c.seq, c.pair_id, c.annotator, c.action, c.better, c.more_harmless, "
            + "c.a_safe, c.b_safe, c.explanation, c.undoes, c.author, c.changed_at, c.request_id";
    private static final String CURRENT = "SELECT " + CHANGE_COLUMNS + " FROM current_labels k "
            + "JOIN label_changes c ON c.seq = k.change_seq WHERE c.better IS NOT NULL";

    private final Path file;
    private final Connection connection;
    private final Clock clock;
    private final int migratedFrom;
    private long seenDataVersion = -1;
    private List<Pair> pairs = List.of();
    private Map<String, Pair> pairsById = Map.of();
    private Map<String, TokenInfo> tokensByHash = Map.of();
    private Assignment assignment;
    private int annotatorsPerPair;

    private AnnotationStore(Path file, Connection connection, Clock clock, int migratedFrom) {
        this.file = file;
        this.connection = connection;
        this.clock = clock;
        this.migratedFrom = migratedFrom;
    }

    /** Opens the store at {@code location} (a directory, created when missing, or a store file), migrating it. */
    public static AnnotationStore open(Path location) {
        return open(location, Clock.systemUTC());
    }

    /** As {@link #open(Path)}, with the clock that stamps changes and decides expiry. */
    static AnnotationStore open(Path location, Clock clock) {
        requireNonNull(location, "location is null");
        requireNonNull(clock, "clock is null");
        Path file = databaseFile(location);
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot create the annotation store " + location + ": " + e.getMessage(), e);
        }
        Connection connection = null;
        try {
            connection = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
            try (Statement statement = connection.createStatement()) {
                statement.execute("PRAGMA busy_timeout = 10000");
                statement.execute("PRAGMA journal_mode = WAL");
                statement.execute("PRAGMA synchronous = FULL");
                statement.execute("PRAGMA foreign_keys = ON");
            }
            int found = StoreSchema.migrate(connection, file, clock);
            if (found != StoreSchema.CURRENT) {
                LOG.info("annotation store {}: migrated from schema version {} to {}", file, found, StoreSchema.CURRENT);
            }
            return new AnnotationStore(file, connection, clock, found);
        }
        catch (SQLException | RuntimeException e) {
            closeQuietly(connection);
            if (e instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new UncheckedIOException(new IOException("cannot open the annotation store " + file + ": " + e.getMessage(), e));
        }
    }

    /** The database file of the store at {@code location}: the location itself if it is a file, else {@value #FILE} in it. */
    public static Path databaseFile(Path location) {
        return Files.isRegularFile(location) ? location : location.resolve(FILE);
    }

    /** The store's database file. */
    public Path file() {
        return file;
    }

    /** The directory holding the store's file. */
    public Path directory() {
        return file.toAbsolutePath().getParent();
    }

    /** The schema version the store had when opened ({@link StoreSchema#CURRENT} unless it was migrated). */
    public int migratedFrom() {
        return migratedFrom;
    }

    /** The store's schema version now. */
    public synchronized int schemaVersion() {
        try {
            return StoreSchema.version(connection);
        }
        catch (SQLException e) {
            throw failure("read the schema version", e);
        }
    }

    /** Issues {@code name} a fresh token that never expires; see {@link #issueToken(String, Role, Optional)}. */
    public String issueToken(String name, Role role) {
        return issueToken(name, role, Optional.empty());
    }

    /**
     * Issues {@code name} a fresh token (replacing an earlier one, and lifting a revocation), working until
     * {@code expiresAt} if given; returns the token, of which only a hash is kept.
     */
    public synchronized String issueToken(String name, Role role, Optional<Instant> expiresAt) {
        requireNonNull(role, "role is null");
        requireNonNull(expiresAt, "expiresAt is null");
        if (name == null || !name.matches("[A-Za-z0-9][A-Za-z0-9._@-]{0,63}")) {
            throw new IllegalArgumentException("an annotator name is 1 to 64 letters, digits, '.', '_', '@' or '-' "
                    + "starting with a letter or digit, got '" + name + "'");
        }
        Instant now = clock.instant();
        if (expiresAt.isPresent() && !expiresAt.get().isAfter(now)) {
            throw new IllegalArgumentException("a token's expiry must be in the future, got " + expiresAt.get());
        }
        String token = Tokens.newToken();
        update("INSERT INTO annotators (name, role, token_sha256, issued_at, expires_at, revoked_at) VALUES (?, ?, ?, ?, ?, NULL) "
                + "ON CONFLICT (name) DO UPDATE SET role = excluded.role, token_sha256 = excluded.token_sha256, "
                + "issued_at = excluded.issued_at, expires_at = excluded.expires_at, revoked_at = NULL",
                name, role.name(), Tokens.hash(token), now.toString(), expiresAt.map(Instant::toString).orElse(null));
        seenDataVersion = -1;
        return token;
    }

    /**
     * Revokes {@code name}'s token: from the next request on it is refused. The holder's labels stay. Returns false
     * when it was already revoked.
     *
     * @throws IllegalArgumentException when no token was ever issued to {@code name}
     */
    public synchronized boolean revokeToken(String name) {
        requireNonNull(name, "name is null");
        int revoked = update("UPDATE annotators SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL",
                clock.instant().toString(), name);
        seenDataVersion = -1;
        if (revoked == 0 && tokens().stream().noneMatch(token -> token.name().equals(name))) {
            throw new IllegalArgumentException("no token was issued to '" + name + "'");
        }
        return revoked == 1;
    }

    /** What the store knows of {@code token}'s holder (revoked and expired tokens included), if it was issued. */
    public synchronized Optional<TokenInfo> tokenHolder(String token) {
        if (token == null || token.isEmpty()) {
            return Optional.empty();
        }
        refresh();
        return Optional.ofNullable(tokensByHash.get(Tokens.hash(token)));
    }

    /** Every issued token's holder, by name. */
    public synchronized List<TokenInfo> tokens() {
        refresh();
        return tokensByHash.values().stream().sorted(java.util.Comparator.comparing(TokenInfo::name)).toList();
    }

    /** The store's clock. */
    public Instant now() {
        return clock.instant();
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
        int added = inTransaction(() -> {
            int count = 0;
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO pairs (id, prompt, response_a, response_b) VALUES (?, ?, ?, ?) ON CONFLICT (id) DO NOTHING")) {
                for (Pair pair : newPairs) {
                    insert.setString(1, pair.id());
                    insert.setString(2, pair.prompt());
                    insert.setString(3, pair.responseA());
                    insert.setString(4, pair.responseB());
                    count += insert.executeUpdate();
                }
            }
            catch (SQLException e) {
                throw failure("add pairs", e);
            }
            return count;
        });
        seenDataVersion = -1;
        return added;
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

    /** Every annotator (not admins; revoked and expired ones too, whose pairs stay theirs), by name. */
    public synchronized List<String> annotators() {
        refresh();
        return tokensByHash.values().stream().filter(a -> a.role() == Role.ANNOTATOR).map(TokenInfo::name).sorted().toList();
    }

    /** The pairs assigned to {@code annotator}, in labelling order. */
    public synchronized List<String> assignedTo(String annotator) {
        refresh();
        return assignment.pairsOf(annotator);
    }

    /**
     * Labels a pair, or labels it anew: appends the change unless the annotator's current label of the pair is the
     * same judgment, and returns only once it is durable. The label's {@code labelledAt} is replaced by the
     * store's clock; the author is the annotator.
     *
     * @param requestId the client's id of this change: a retry with the same id appends nothing
     */
    public synchronized ChangeResult label(Label label, Optional<String> requestId) {
        requireNonNull(label, "label is null");
        requireNonNull(requestId, "requestId is null");
        return inTransaction(() -> {
            Optional<ChangeResult> repeated = repeated(label.annotator(), requestId,
                    change -> change.action() == LabelChange.Action.LABEL && change.pairId().equals(label.pairId())
                            && change.label().isPresent() && change.label().get().sameJudgment(label));
            if (repeated.isPresent()) {
                return repeated.get();
            }
            Optional<Label> current = current(label.annotator(), label.pairId());
            if (current.isPresent() && current.get().sameJudgment(label)) {
                return new ChangeResult(ChangeResult.Outcome.UNCHANGED, Optional.empty(), current);
            }
            LabelChange change = append(label.pairId(), label.annotator(), LabelChange.Action.LABEL, Optional.of(label),
                    OptionalLong.empty(), requestId);
            return new ChangeResult(current.isPresent() ? ChangeResult.Outcome.CHANGED : ChangeResult.Outcome.STORED,
                    Optional.of(change), change.label());
        });
    }

    /** Withdraws {@code annotator}'s label of {@code pairId} (appending the withdrawal), if there is one. */
    public synchronized ChangeResult withdraw(String annotator, String pairId, Optional<String> requestId) {
        requireNonNull(annotator, "annotator is null");
        requireNonNull(pairId, "pairId is null");
        requireNonNull(requestId, "requestId is null");
        return inTransaction(() -> {
            Optional<ChangeResult> repeated = repeated(annotator, requestId,
                    change -> change.action() == LabelChange.Action.WITHDRAW && change.pairId().equals(pairId));
            if (repeated.isPresent()) {
                return repeated.get();
            }
            if (current(annotator, pairId).isEmpty()) {
                return new ChangeResult(ChangeResult.Outcome.UNCHANGED, Optional.empty(), Optional.empty());
            }
            LabelChange change = append(pairId, annotator, LabelChange.Action.WITHDRAW, Optional.empty(),
                    OptionalLong.empty(), requestId);
            return new ChangeResult(ChangeResult.Outcome.WITHDRAWN, Optional.of(change), Optional.empty());
        });
    }

    /**
     * Undoes {@code annotator}'s latest change not yet undone (an undo itself is never undone, so repeated undos walk
     * back through their history): appends a change that restores the pair's label to what it was before.
     */
    public synchronized ChangeResult undo(String annotator, Optional<String> requestId) {
        requireNonNull(annotator, "annotator is null");
        requireNonNull(requestId, "requestId is null");
        return inTransaction(() -> {
            Optional<ChangeResult> repeated = repeated(annotator, requestId, change -> change.action() == LabelChange.Action.UNDO);
            if (repeated.isPresent()) {
                return repeated.get();
            }
            Optional<LabelChange> target = first(changes("SELECT " + CHANGE_COLUMNS + " FROM label_changes c WHERE c.annotator = ? "
                    + "AND c.action <> 'undo' AND NOT EXISTS (SELECT 1 FROM label_changes u WHERE u.undoes = c.seq) "
                    + "ORDER BY c.seq DESC LIMIT 1", annotator));
            if (target.isEmpty()) {
                return new ChangeResult(ChangeResult.Outcome.UNCHANGED, Optional.empty(), Optional.empty());
            }
            Optional<Label> before = first(changes("SELECT " + CHANGE_COLUMNS + " FROM label_changes c WHERE c.annotator = ? "
                    + "AND c.pair_id = ? AND c.seq < ? ORDER BY c.seq DESC LIMIT 1", annotator, target.get().pairId(),
                    target.get().seq())).flatMap(LabelChange::label);
            LabelChange change = append(target.get().pairId(), annotator, LabelChange.Action.UNDO, before,
                    OptionalLong.of(target.get().seq()), requestId);
            return new ChangeResult(ChangeResult.Outcome.UNDONE, Optional.of(change), change.label());
        });
    }

    /** {@code annotator}'s current label of {@code pairId}, if any. */
    public synchronized Optional<Label> label(String annotator, String pairId) {
        return current(annotator, pairId);
    }

    /** {@code annotator}'s current labels, in the order they were last changed. */
    public synchronized List<Label> labelsOf(String annotator) {
        return labels(changes(CURRENT + " AND k.annotator = ? ORDER BY c.seq", annotator));
    }

    /** The pairs {@code annotator} has a current label of. */
    public synchronized Set<String> labelledPairs(String annotator) {
        Set<String> pairIds = new HashSet<>();
        try (PreparedStatement statement = prepare("SELECT k.pair_id FROM current_labels k JOIN label_changes c "
                + "ON c.seq = k.change_seq WHERE k.annotator = ? AND c.better IS NOT NULL", annotator);
             ResultSet rows = statement.executeQuery()) {
            while (rows.next()) {
                pairIds.add(rows.getString(1));
            }
            return pairIds;
        }
        catch (SQLException e) {
            throw failure("read labelled pairs", e);
        }
    }

    /** Every current label (the latest per annotator and pair; withdrawn ones left out), in the order they were last changed. */
    public synchronized List<Label> labels() {
        return labels(changes(CURRENT + " ORDER BY c.seq"));
    }

    /** The whole history, oldest first. */
    public synchronized List<LabelChange> history() {
        return changes("SELECT " + CHANGE_COLUMNS + " FROM label_changes c ORDER BY c.seq");
    }

    /** The history of {@code annotator}'s label of {@code pairId}, oldest first. */
    public synchronized List<LabelChange> history(String annotator, String pairId) {
        return changes("SELECT " + CHANGE_COLUMNS + " FROM label_changes c WHERE c.annotator = ? AND c.pair_id = ? ORDER BY c.seq",
                annotator, pairId);
    }

    /** How many current labels each annotator has. */
    public synchronized Map<String, Long> labelCounts() {
        Map<String, Long> counts = new HashMap<>();
        try (PreparedStatement statement = connection.prepareStatement("SELECT k.annotator, COUNT(*) FROM current_labels k "
                + "JOIN label_changes c ON c.seq = k.change_seq WHERE c.better IS NOT NULL GROUP BY k.annotator");
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

    /**
     * Each annotator's activity.
     *
     * @param changes how many changes of theirs the history holds
     * @param lastChange when the latest was made
     */
    public record Activity(long changes, Instant lastChange) {}

    /** Each annotator's activity, for those with any change. */
    public synchronized Map<String, Activity> activity() {
        Map<String, Activity> activity = new HashMap<>();
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT annotator, COUNT(*), MAX(changed_at) FROM label_changes GROUP BY annotator");
             ResultSet rows = statement.executeQuery()) {
            while (rows.next()) {
                activity.put(rows.getString(1), new Activity(rows.getLong(2), Instant.parse(rows.getString(3))));
            }
            return activity;
        }
        catch (SQLException e) {
            throw failure("read the activity", e);
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

    /** The earlier change of {@code requestId}, as a retry's answer, or a refusal when it was a different change. */
    private Optional<ChangeResult> repeated(String annotator, Optional<String> requestId,
            java.util.function.Predicate<LabelChange> sameChange) {
        if (requestId.isEmpty()) {
            return Optional.empty();
        }
        Optional<LabelChange> earlier = first(changes("SELECT " + CHANGE_COLUMNS + " FROM label_changes c "
                + "WHERE c.annotator = ? AND c.request_id = ?", annotator, requestId.get()));
        if (earlier.isEmpty()) {
            return Optional.empty();
        }
        if (!sameChange.test(earlier.get())) {
            return Optional.of(new ChangeResult(ChangeResult.Outcome.REQUEST_ID_REUSED, earlier, Optional.empty()));
        }
        return Optional.of(new ChangeResult(ChangeResult.Outcome.REPEATED, earlier,
                current(annotator, earlier.get().pairId())));
    }

    private Optional<Label> current(String annotator, String pairId) {
        return first(changes("SELECT " + CHANGE_COLUMNS + " FROM current_labels k JOIN label_changes c ON c.seq = k.change_seq "
                + "WHERE k.annotator = ? AND k.pair_id = ?", annotator, pairId)).flatMap(LabelChange::label);
    }

    private LabelChange append(String pairId, String annotator, LabelChange.Action action, Optional<Label> label,
            OptionalLong undoes, Optional<String> requestId) {
        Instant at = clock.instant();
        Optional<Label> stamped = label.map(l -> new Label(pairId, annotator, l.better(), l.moreHarmless(),
                l.responseASafe(), l.responseBSafe(), l.explanation(), at));
        try (PreparedStatement insert = prepare("INSERT INTO label_changes (pair_id, annotator, action, better, more_harmless, "
                + "a_safe, b_safe, explanation, undoes, author, changed_at, request_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                pairId, annotator, action.name().toLowerCase(java.util.Locale.ROOT),
                stamped.map(l -> l.better().name()).orElse(null), stamped.map(l -> l.moreHarmless().name()).orElse(null),
                stamped.map(l -> l.responseASafe() ? 1 : 0).orElse(null), stamped.map(l -> l.responseBSafe() ? 1 : 0).orElse(null),
                stamped.map(Label::explanation).orElse(null), undoes.isPresent() ? undoes.getAsLong() : null, annotator,
                at.toString(), requestId.orElse(null))) {
            insert.executeUpdate();
        }
        catch (SQLException e) {
            throw failure("append a label change", e);
        }
        long seq;
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT last_insert_rowid()")) {
            rows.next();
            seq = rows.getLong(1);
        }
        catch (SQLException e) {
            throw failure("read a change's sequence number", e);
        }
        update("INSERT INTO current_labels (annotator, pair_id, change_seq) VALUES (?, ?, ?) "
                + "ON CONFLICT (annotator, pair_id) DO UPDATE SET change_seq = excluded.change_seq", annotator, pairId, seq);
        return new LabelChange(seq, pairId, annotator, action, stamped, undoes, annotator, at, requestId);
    }

    /** Runs {@code work} in one immediate transaction: all of it is durable when this returns, or none of it. */
    private <T> T inTransaction(Supplier<T> work) {
        try (Statement statement = connection.createStatement()) {
            statement.execute("BEGIN IMMEDIATE");
            boolean committed = false;
            try {
                T result = work.get();
                statement.execute("COMMIT");
                committed = true;
                return result;
            }
            finally {
                if (!committed) {
                    rollback(statement);
                }
            }
        }
        catch (SQLException e) {
            throw failure("write", e);
        }
    }

    private static void rollback(Statement statement) {
        try {
            statement.execute("ROLLBACK");
        }
        catch (SQLException ignored) {
            // the failure that led here is reported
        }
    }

    /** Reloads pairs, tokens and settings when this or another connection changed them. */
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
            Map<String, TokenInfo> byHash = new LinkedHashMap<>();
            try (ResultSet rows = statement.executeQuery(
                    "SELECT name, role, token_sha256, issued_at, expires_at, revoked_at FROM annotators ORDER BY name")) {
                while (rows.next()) {
                    byHash.put(rows.getString(3), new TokenInfo(rows.getString(1), Role.valueOf(rows.getString(2)),
                            Instant.parse(rows.getString(4)), instant(rows.getString(5)), instant(rows.getString(6))));
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
            tokensByHash = byHash;
            annotatorsPerPair = perPair;
            List<String> names = byHash.values().stream().filter(a -> a.role() == Role.ANNOTATOR).map(TokenInfo::name).toList();
            assignment = new Assignment(loaded.stream().map(Pair::id).toList(), names, perPair);
            seenDataVersion = version;
        }
        catch (SQLException e) {
            throw failure("read pairs and tokens", e);
        }
    }

    private static Optional<Instant> instant(String text) {
        return Optional.ofNullable(text).map(Instant::parse);
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

    private List<LabelChange> changes(String sql, Object... parameters) {
        try (PreparedStatement statement = prepare(sql, parameters); ResultSet rows = statement.executeQuery()) {
            List<LabelChange> changes = new ArrayList<>();
            while (rows.next()) {
                changes.add(change(rows));
            }
            return changes;
        }
        catch (SQLException e) {
            throw failure("read labels", e);
        }
    }

    private static LabelChange change(ResultSet rows) throws SQLException {
        String pairId = rows.getString("pair_id");
        String annotator = rows.getString("annotator");
        Instant at = Instant.parse(rows.getString("changed_at"));
        String better = rows.getString("better");
        Optional<Label> label = better == null ? Optional.empty() : Optional.of(new Label(pairId, annotator,
                Choice.valueOf(better), Choice.valueOf(rows.getString("more_harmless")), rows.getInt("a_safe") != 0,
                rows.getInt("b_safe") != 0, rows.getString("explanation"), at));
        long undone = rows.getLong("undoes");
        OptionalLong undoes = rows.wasNull() ? OptionalLong.empty() : OptionalLong.of(undone);
        return new LabelChange(rows.getLong("seq"), pairId, annotator,
                LabelChange.Action.valueOf(rows.getString("action").toUpperCase(java.util.Locale.ROOT)), label,
                undoes, rows.getString("author"), at, Optional.ofNullable(rows.getString("request_id")));
    }

    private static List<Label> labels(List<LabelChange> changes) {
        return changes.stream().map(change -> change.label().orElseThrow()).toList();
    }

    private static <T> Optional<T> first(List<T> list) {
        return list.isEmpty() ? Optional.empty() : Optional.of(list.get(0));
    }

    private int update(String sql, Object... parameters) {
        try (PreparedStatement statement = prepare(sql, parameters)) {
            return statement.executeUpdate();
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

    private static void closeQuietly(Connection connection) {
        if (connection != null) {
            try {
                connection.close();
            }
            catch (SQLException ignored) {
                // the failure that led here is reported
            }
        }
    }

    private UncheckedIOException failure(String what, SQLException e) {
        return new UncheckedIOException(new IOException("annotation store " + file + ": cannot " + what + ": " + e.getMessage(), e));
    }
}
