package org.rlhf4j.feedback.human.annotate;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The annotation store: one SQLite database, {@value #FILE} in a directory (or any store file, such as a
 * backup). It runs in WAL mode with {@code synchronous=FULL}, so a commit returns only after its write-ahead log
 * record is on disk: a change that a method here returned survives {@code kill -9} and power loss alike.
 *
 * <p>Labels are an append-only history ({@link LabelChange}, kept by {@link LabelHistory}): labelling,
 * relabelling, withdrawing and undoing each append one change with its time and author, and nothing is ever
 * overwritten; the current label of each (annotator, pair) is its latest change's. A change may carry a request id
 * (the client's idempotency key): a retry with the same id appends nothing and answers the first outcome. The
 * schema is versioned and older stores are migrated on open ({@link StoreSchema}).
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

    private final StoreDatabase db;
    private final LabelHistory history;
    private final Clock clock;
    private final int migratedFrom;
    private long seenDataVersion = -1;
    private List<Pair> pairs = List.of();
    private Map<String, Pair> pairsById = Map.of();
    private Map<String, TokenInfo> tokensByHash = Map.of();
    private Assignment assignment;
    private int annotatorsPerPair;

    private AnnotationStore(StoreDatabase db, Clock clock, int migratedFrom) {
        this.db = db;
        this.history = new LabelHistory(db, clock);
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
            return new AnnotationStore(new StoreDatabase(file, connection), clock, found);
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
        return db.file();
    }

    /** The directory holding the store's file. */
    public Path directory() {
        return db.file().toAbsolutePath().getParent();
    }

    /** The schema version the store had when opened ({@link StoreSchema#CURRENT} unless it was migrated). */
    public int migratedFrom() {
        return migratedFrom;
    }

    /** The store's schema version now. */
    public synchronized int schemaVersion() {
        try {
            return StoreSchema.version(db.connection());
        }
        catch (SQLException e) {
            throw db.failure("read the schema version", e);
        }
    }

    /** The store's clock. */
    public Instant now() {
        return clock.instant();
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
        db.update("INSERT INTO annotators (name, role, token_sha256, issued_at, expires_at, revoked_at) VALUES (?, ?, ?, ?, ?, NULL) "
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
        int revoked = db.update("UPDATE annotators SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL",
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
        return tokensByHash.values().stream().sorted(Comparator.comparing(TokenInfo::name)).toList();
    }

    /** Sets how many annotators label each pair. */
    public synchronized void setAnnotatorsPerPair(int perPair) {
        if (perPair < 1) {
            throw new IllegalArgumentException("annotators per pair must be at least 1, got " + perPair);
        }
        db.update("INSERT INTO settings (key, value) VALUES ('annotators_per_pair', ?) "
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
        int added = db.inTransaction(() -> {
            int count = 0;
            for (Pair pair : newPairs) {
                count += db.update("INSERT INTO pairs (id, prompt, response_a, response_b) VALUES (?, ?, ?, ?) "
                        + "ON CONFLICT (id) DO NOTHING", pair.id(), pair.prompt(), pair.responseA(), pair.responseB());
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
        return history.label(label, requestId);
    }

    /** Withdraws {@code annotator}'s label of {@code pairId} (appending the withdrawal), if there is one. */
    public synchronized ChangeResult withdraw(String annotator, String pairId, Optional<String> requestId) {
        requireNonNull(annotator, "annotator is null");
        requireNonNull(pairId, "pairId is null");
        requireNonNull(requestId, "requestId is null");
        return history.withdraw(annotator, pairId, requestId);
    }

    /**
     * Undoes {@code annotator}'s latest change not yet undone (an undo itself is never undone, so repeated undos walk
     * back through their history): appends a change that restores the pair's label to what it was before.
     */
    public synchronized ChangeResult undo(String annotator, Optional<String> requestId) {
        requireNonNull(annotator, "annotator is null");
        requireNonNull(requestId, "requestId is null");
        return history.undo(annotator, requestId);
    }

    /** {@code annotator}'s current label of {@code pairId}, if any. */
    public synchronized Optional<Label> label(String annotator, String pairId) {
        return history.current(annotator, pairId);
    }

    /** {@code annotator}'s current labels, in the order they were last changed. */
    public synchronized List<Label> labelsOf(String annotator) {
        return history.currentOf(annotator);
    }

    /** The pairs {@code annotator} has a current label of. */
    public synchronized Set<String> labelledPairs(String annotator) {
        return history.labelledPairs(annotator);
    }

    /** Every current label (the latest per annotator and pair; withdrawn ones left out), in the order they were last changed. */
    public synchronized List<Label> labels() {
        return history.current();
    }

    /** The whole history, oldest first. */
    public synchronized List<LabelChange> history() {
        return history.all();
    }

    /** The history of {@code annotator}'s label of {@code pairId}, oldest first. */
    public synchronized List<LabelChange> history(String annotator, String pairId) {
        return history.of(annotator, pairId);
    }

    /** How many current labels each annotator has. */
    public synchronized Map<String, Long> labelCounts() {
        return history.counts();
    }

    /** Each annotator's activity, for those with any change. */
    public synchronized Map<String, AnnotatorActivity> activity() {
        return history.activity();
    }

    @Override
    public synchronized void close() {
        db.close();
    }

    /** Reloads pairs, tokens and settings when this or another connection changed them. */
    private void refresh() {
        long version = db.query("PRAGMA data_version", row -> row.getLong(1)).get(0);
        if (version == seenDataVersion && assignment != null) {
            return;
        }
        List<Pair> loaded = db.query("SELECT id, prompt, response_a, response_b FROM pairs ORDER BY seq",
                row -> new Pair(row.getString(1), row.getString(2), row.getString(3), row.getString(4)));
        Map<String, Pair> byId = new HashMap<>();
        loaded.forEach(pair -> byId.put(pair.id(), pair));
        Map<String, TokenInfo> byHash = new LinkedHashMap<>();
        db.query("SELECT name, role, token_sha256, issued_at, expires_at, revoked_at FROM annotators ORDER BY name",
                row -> Map.entry(row.getString(3), new TokenInfo(row.getString(1), Role.valueOf(row.getString(2)),
                        Instant.parse(row.getString(4)), instant(row.getString(5)), instant(row.getString(6)))))
                .forEach(entry -> byHash.put(entry.getKey(), entry.getValue()));
        int perPair = db.query("SELECT value FROM settings WHERE key = 'annotators_per_pair'", row -> Integer.parseInt(
                row.getString(1))).stream().findFirst().orElse(DEFAULT_ANNOTATORS_PER_PAIR);
        pairs = List.copyOf(loaded);
        pairsById = byId;
        tokensByHash = byHash;
        annotatorsPerPair = perPair;
        List<String> names = byHash.values().stream().filter(a -> a.role() == Role.ANNOTATOR).map(TokenInfo::name).toList();
        assignment = new Assignment(loaded.stream().map(Pair::id).toList(), names, perPair);
        seenDataVersion = version;
    }

    private static Optional<Instant> instant(String text) {
        return Optional.ofNullable(text).map(Instant::parse);
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
}
