package org.rlhf4j.feedback.human.annotate;

import static java.util.Objects.requireNonNull;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.rlhf4j.api.feedback.Choice;

/**
 * The labels as an append-only history ({@code label_changes}) with a pointer to each (annotator, pair)'s latest
 * change ({@code current_labels}), updated in the same transaction. Labelling, relabelling, withdrawing and undoing
 * each append one change; nothing is updated or deleted. A change may carry the client's request id: a retry with
 * the same id appends nothing and answers the first outcome. The store calls this one thread at a time.
 */
final class LabelHistory {
    private static final String COLUMNS = "c.seq, c.pair_id, c.annotator, c.action, c.better, c.more_harmless, "
            + "c.a_safe, c.b_safe, c.explanation, c.undoes, c.author, c.changed_at, c.request_id";
    private static final String CURRENT = "SELECT " + COLUMNS + " FROM current_labels k "
            + "JOIN label_changes c ON c.seq = k.change_seq WHERE c.better IS NOT NULL";

    private final StoreDatabase db;
    private final Clock clock;

    LabelHistory(StoreDatabase db, Clock clock) {
        this.db = requireNonNull(db, "db is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    ChangeResult label(Label label, Optional<String> requestId) {
        return db.inTransaction(() -> {
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

    ChangeResult withdraw(String annotator, String pairId, Optional<String> requestId) {
        return db.inTransaction(() -> {
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
     * Undoes the annotator's latest change that is neither an undo nor undone already, so repeated undos walk back
     * through their changes: the pair gets the label it had just before that change (the latest earlier change's).
     */
    ChangeResult undo(String annotator, Optional<String> requestId) {
        return db.inTransaction(() -> {
            Optional<ChangeResult> repeated = repeated(annotator, requestId, change -> change.action() == LabelChange.Action.UNDO);
            if (repeated.isPresent()) {
                return repeated.get();
            }
            Optional<LabelChange> target = first(changes("SELECT " + COLUMNS + " FROM label_changes c WHERE c.annotator = ? "
                    + "AND c.action <> 'undo' AND NOT EXISTS (SELECT 1 FROM label_changes u WHERE u.undoes = c.seq) "
                    + "ORDER BY c.seq DESC LIMIT 1", annotator));
            if (target.isEmpty()) {
                return new ChangeResult(ChangeResult.Outcome.UNCHANGED, Optional.empty(), Optional.empty());
            }
            Optional<Label> before = first(changes("SELECT " + COLUMNS + " FROM label_changes c WHERE c.annotator = ? "
                    + "AND c.pair_id = ? AND c.seq < ? ORDER BY c.seq DESC LIMIT 1", annotator, target.get().pairId(),
                    target.get().seq())).flatMap(LabelChange::label);
            LabelChange change = append(target.get().pairId(), annotator, LabelChange.Action.UNDO, before,
                    OptionalLong.of(target.get().seq()), requestId);
            return new ChangeResult(ChangeResult.Outcome.UNDONE, Optional.of(change), change.label());
        });
    }

    Optional<Label> current(String annotator, String pairId) {
        return first(changes("SELECT " + COLUMNS + " FROM current_labels k JOIN label_changes c ON c.seq = k.change_seq "
                + "WHERE k.annotator = ? AND k.pair_id = ?", annotator, pairId)).flatMap(LabelChange::label);
    }

    List<Label> currentOf(String annotator) {
        return labels(changes(CURRENT + " AND k.annotator = ? ORDER BY c.seq", annotator));
    }

    List<Label> current() {
        return labels(changes(CURRENT + " ORDER BY c.seq"));
    }

    Set<String> labelledPairs(String annotator) {
        return new HashSet<>(db.query("SELECT k.pair_id FROM current_labels k JOIN label_changes c ON c.seq = k.change_seq "
                + "WHERE k.annotator = ? AND c.better IS NOT NULL", row -> row.getString(1), annotator));
    }

    List<LabelChange> all() {
        return changes("SELECT " + COLUMNS + " FROM label_changes c ORDER BY c.seq");
    }

    List<LabelChange> of(String annotator, String pairId) {
        return changes("SELECT " + COLUMNS + " FROM label_changes c WHERE c.annotator = ? AND c.pair_id = ? ORDER BY c.seq",
                annotator, pairId);
    }

    Map<String, Long> counts() {
        return db.query("SELECT k.annotator, COUNT(*) FROM current_labels k JOIN label_changes c ON c.seq = k.change_seq "
                        + "WHERE c.better IS NOT NULL GROUP BY k.annotator", row -> Map.entry(row.getString(1), row.getLong(2)))
                .stream().collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    Map<String, AnnotatorActivity> activity() {
        return db.query("SELECT annotator, COUNT(*), MAX(changed_at) FROM label_changes GROUP BY annotator",
                        row -> Map.entry(row.getString(1), new AnnotatorActivity(row.getLong(2), Instant.parse(row.getString(3)))))
                .stream().collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    /** The earlier change of {@code requestId}, as a retry's answer, or a refusal when it was a different change. */
    private Optional<ChangeResult> repeated(String annotator, Optional<String> requestId, Predicate<LabelChange> sameChange) {
        if (requestId.isEmpty()) {
            return Optional.empty();
        }
        Optional<LabelChange> earlier = first(changes("SELECT " + COLUMNS + " FROM label_changes c "
                + "WHERE c.annotator = ? AND c.request_id = ?", annotator, requestId.get()));
        if (earlier.isEmpty()) {
            return Optional.empty();
        }
        if (!sameChange.test(earlier.get())) {
            return Optional.of(new ChangeResult(ChangeResult.Outcome.REQUEST_ID_REUSED, earlier, Optional.empty()));
        }
        return Optional.of(new ChangeResult(ChangeResult.Outcome.REPEATED, earlier, current(annotator, earlier.get().pairId())));
    }

    private LabelChange append(String pairId, String annotator, LabelChange.Action action, Optional<Label> label,
            OptionalLong undoes, Optional<String> requestId) {
        Instant at = clock.instant();
        Optional<Label> stamped = label.map(l -> new Label(pairId, annotator, l.better(), l.moreHarmless(),
                l.responseASafe(), l.responseBSafe(), l.explanation(), at));
        db.update("INSERT INTO label_changes (pair_id, annotator, action, better, more_harmless, a_safe, b_safe, "
                        + "explanation, undoes, author, changed_at, request_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                pairId, annotator, action.name().toLowerCase(Locale.ROOT),
                stamped.map(l -> l.better().name()).orElse(null), stamped.map(l -> l.moreHarmless().name()).orElse(null),
                stamped.map(l -> l.responseASafe() ? 1 : 0).orElse(null), stamped.map(l -> l.responseBSafe() ? 1 : 0).orElse(null),
                stamped.map(Label::explanation).orElse(null), undoes.isPresent() ? undoes.getAsLong() : null, annotator,
                at.toString(), requestId.orElse(null));
        long seq = db.lastInsertRowId();
        db.update("INSERT INTO current_labels (annotator, pair_id, change_seq) VALUES (?, ?, ?) "
                + "ON CONFLICT (annotator, pair_id) DO UPDATE SET change_seq = excluded.change_seq", annotator, pairId, seq);
        return new LabelChange(seq, pairId, annotator, action, stamped, undoes, annotator, at, requestId);
    }

    private List<LabelChange> changes(String sql, Object... parameters) {
        return db.query(sql, LabelHistory::change, parameters);
    }

    private static LabelChange change(ResultSet row) throws SQLException {
        String pairId = row.getString("pair_id");
        String annotator = row.getString("annotator");
        Instant at = Instant.parse(row.getString("changed_at"));
        String better = row.getString("better");
        Optional<Label> label = better == null ? Optional.empty() : Optional.of(new Label(pairId, annotator,
                Choice.valueOf(better), Choice.valueOf(row.getString("more_harmless")), row.getInt("a_safe") != 0,
                row.getInt("b_safe") != 0, row.getString("explanation"), at));
        long undone = row.getLong("undoes");
        OptionalLong undoes = row.wasNull() ? OptionalLong.empty() : OptionalLong.of(undone);
        return new LabelChange(row.getLong("seq"), pairId, annotator,
                LabelChange.Action.valueOf(row.getString("action").toUpperCase(Locale.ROOT)), label, undoes,
                row.getString("author"), at, Optional.ofNullable(row.getString("request_id")));
    }

    private static List<Label> labels(List<LabelChange> changes) {
        return changes.stream().map(change -> change.label().orElseThrow()).toList();
    }

    private static <T> Optional<T> first(List<T> list) {
        return list.isEmpty() ? Optional.empty() : Optional.of(list.get(0));
    }
}
