package org.rlhf4j.feedback.human.annotate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rlhf4j.api.feedback.Choice;
import org.rlhf4j.feedback.human.annotate.ChangeResult.Outcome;
import org.rlhf4j.feedback.human.annotate.LabelChange.Action;

/** The store's label history: labels, changes, withdrawals and undos are appended, never overwritten; tokens expire and are revoked. */
class TestAnnotationStore {
    private static final Instant START = Instant.parse("2025-03-01T09:00:00Z");

    @TempDir
    Path directory;

    private MutableClock clock;
    private AnnotationStore store;

    @BeforeEach
    void open() {
        clock = new MutableClock(START);
        store = AnnotationStore.open(directory, clock);
        store.issueToken("alice", Role.ANNOTATOR);
        store.addPairs(List.of(new Pair("p1", "", "a", "b"), new Pair("p2", "", "c", "d"), new Pair("p3", "", "e", "f")));
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void everyChangeIsAppendedWithTimeAndAuthorAndTheLatestIsCurrent() {
        assertEquals(Outcome.STORED, store.label(label("p1", Choice.A, "first"), Optional.empty()).outcome());
        clock.advance(Duration.ofSeconds(5));
        ChangeResult same = store.label(label("p1", Choice.A, "first"), Optional.empty());
        assertEquals(Outcome.UNCHANGED, same.outcome(), "the same label again appends nothing");
        ChangeResult changed = store.label(label("p1", Choice.B, "second thoughts"), Optional.empty());
        assertEquals(Outcome.CHANGED, changed.outcome());
        assertEquals(Choice.B, store.label("alice", "p1").orElseThrow().better());
        assertEquals(START.plusSeconds(5), store.label("alice", "p1").orElseThrow().labelledAt());

        List<LabelChange> history = store.history("alice", "p1");
        assertEquals(2, history.size());
        assertEquals(Action.LABEL, history.get(0).action());
        assertEquals(Choice.A, history.get(0).label().orElseThrow().better(), "the first label is kept as it was");
        assertEquals("first", history.get(0).label().orElseThrow().explanation());
        assertEquals(START, history.get(0).at());
        assertEquals("alice", history.get(1).author());
        assertEquals(START.plusSeconds(5), history.get(1).at());

        clock.advance(Duration.ofSeconds(5));
        assertEquals(Outcome.WITHDRAWN, store.withdraw("alice", "p1", Optional.empty()).outcome());
        assertEquals(Outcome.UNCHANGED, store.withdraw("alice", "p1", Optional.empty()).outcome(), "nothing left to withdraw");
        assertTrue(store.label("alice", "p1").isEmpty());
        assertEquals(List.of(), store.labels(), "a withdrawn label is no current label");
        assertEquals(3, store.history().size());
        assertEquals(Optional.empty(), store.history().get(2).label());
    }

    @Test
    void undoWalksBackThroughTheAnnotatorsChangesAndIsItselfAppended() {
        store.label(label("p1", Choice.A, ""), Optional.empty());     // 1
        store.label(label("p2", Choice.TIE, ""), Optional.empty());   // 2
        store.label(label("p1", Choice.B, ""), Optional.empty());     // 3
        store.withdraw("alice", "p2", Optional.empty());              // 4

        ChangeResult undone = store.undo("alice", Optional.empty()); // undoes 4: p2 is a tie again
        assertEquals(Outcome.UNDONE, undone.outcome());
        assertEquals("p2", undone.change().orElseThrow().pairId());
        assertEquals(OptionalLong.of(4), undone.change().orElseThrow().undoes());
        assertEquals(Choice.TIE, store.label("alice", "p2").orElseThrow().better());

        store.undo("alice", Optional.empty()); // undoes 3: p1 back to A
        assertEquals(Choice.A, store.label("alice", "p1").orElseThrow().better());
        store.label(label("p3", Choice.B, ""), Optional.empty());     // 7: a new change after undos
        store.undo("alice", Optional.empty()); // undoes 7: p3 unlabelled
        assertTrue(store.label("alice", "p3").isEmpty());
        store.undo("alice", Optional.empty()); // undoes 2: p2 unlabelled
        store.undo("alice", Optional.empty()); // undoes 1: p1 unlabelled
        assertEquals(List.of(), store.labels());
        assertEquals(Outcome.UNCHANGED, store.undo("alice", Optional.empty()).outcome(), "nothing left to undo");
        List<LabelChange> history = store.history();
        assertEquals(10, history.size(), "5 changes and 5 undos, none overwritten");
        assertEquals(List.of(4L, 3L, 7L, 2L, 1L), history.stream().filter(c -> c.action() == Action.UNDO)
                .map(c -> c.undoes().getAsLong()).toList());
    }

    @Test
    void aRequestIdAppliesItsChangeOnceAndIsNotReusedForAnother() {
        ChangeResult first = store.label(label("p1", Choice.A, ""), Optional.of("k1"));
        assertEquals(Outcome.STORED, first.outcome());
        store.label(label("p1", Choice.B, ""), Optional.of("k2"));
        ChangeResult retry = store.label(label("p1", Choice.A, ""), Optional.of("k1"));
        assertEquals(Outcome.REPEATED, retry.outcome(), "a late retry of k1 does not undo k2");
        assertEquals(first.change().orElseThrow().seq(), retry.change().orElseThrow().seq());
        assertEquals(Choice.B, store.label("alice", "p1").orElseThrow().better());
        assertEquals(Outcome.REQUEST_ID_REUSED, store.label(label("p2", Choice.A, ""), Optional.of("k1")).outcome());
        assertEquals(Outcome.REQUEST_ID_REUSED, store.withdraw("alice", "p1", Optional.of("k2")).outcome());
        assertEquals(Outcome.UNDONE, store.undo("alice", Optional.of("k3")).outcome());
        assertEquals(Outcome.REPEATED, store.undo("alice", Optional.of("k3")).outcome(), "an undo retried undoes once");
        assertEquals(3, store.history().size());
        assertEquals(Choice.A, store.label("alice", "p1").orElseThrow().better());
    }

    @Test
    void tokensExpireAndAreRevokedWhileLabelsStay() {
        String bob = store.issueToken("bob", Role.ANNOTATOR, Optional.of(START.plus(Duration.ofHours(1))));
        String alice = store.issueToken("alice", Role.ANNOTATOR);
        store.label(label("p1", Choice.A, ""), Optional.empty());
        assertEquals(TokenInfo.Status.ACTIVE, store.tokenHolder(bob).orElseThrow().status(store.now()));
        clock.advance(Duration.ofHours(1));
        assertEquals(TokenInfo.Status.EXPIRED, store.tokenHolder(bob).orElseThrow().status(store.now()));
        assertTrue(store.revokeToken("alice"));
        assertFalse(store.revokeToken("alice"), "already revoked");
        assertEquals(TokenInfo.Status.REVOKED, store.tokenHolder(alice).orElseThrow().status(store.now()));
        assertEquals(1, store.labels().size(), "the revoked holder's label stays");
        assertEquals(List.of("alice", "bob"), store.annotators(), "their pairs stay theirs");
        String again = store.issueToken("alice", Role.ANNOTATOR);
        assertEquals(TokenInfo.Status.ACTIVE, store.tokenHolder(again).orElseThrow().status(store.now()));
        assertTrue(store.tokenHolder(alice).isEmpty(), "re-issuing replaces the old token");
        assertThrows(IllegalArgumentException.class, () -> store.revokeToken("nobody"));
        assertThrows(IllegalArgumentException.class, () -> store.issueToken("carol", Role.ANNOTATOR, Optional.of(START)));
    }

    private static Label label(String pair, Choice better, String why) {
        return new Label(pair, "alice", better, Choice.TIE, true, true, why, Instant.EPOCH);
    }

    /** A clock the test moves. */
    static final class MutableClock extends Clock {
        private Instant now;

        MutableClock(Instant start) {
            this.now = start;
        }

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
