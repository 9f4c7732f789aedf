package org.rlhf4j.feedback.human.annotate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rlhf4j.api.feedback.Choice;

/** Changing, withdrawing, undoing and revisiting labels over HTTP, on a real server on loopback. */
class TestLabelEdits {
    @TempDir
    Path directory;

    private AnnotationServer server;
    private AnnotationStore store;
    private Http http;
    private String alice;
    private String bob;

    @BeforeEach
    void start() {
        store = AnnotationStore.open(directory);
        alice = store.issueToken("alice", Role.ANNOTATOR);
        bob = store.issueToken("bob", Role.ANNOTATOR);
        store.setAnnotatorsPerPair(2);
        store.addPairs(List.of(new Pair("p1", "Say hi", "Hello!", "Go away."), new Pair("p2", "2+2?", "4", "5")));
        server = AnnotationServer.start(store, "127.0.0.1", 0);
        http = new Http(server.port());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void aLabelIsChangedWithdrawnAndUndoneAndEveryChangeIsKept() throws Exception {
        Http.Reply stored = http.label(alice, "p1", "A", "A", true, false, "polite");
        assertEquals(201, stored.status(), stored.body());
        assertEquals("stored", stored.json().get("outcome").asText());
        Http.Reply same = http.label(alice, "p1", "A", "A", true, false, "polite");
        assertEquals(200, same.status());
        assertEquals("unchanged", same.json().get("outcome").asText());
        assertEquals(stored.json().get("label"), same.json().get("label"), "the same label again answers the stored one");

        Http.Reply changed = http.label(alice, "p1", "B", "A", true, false, "on reflection B");
        assertEquals(201, changed.status(), changed.body());
        assertEquals("changed", changed.json().get("outcome").asText());
        assertEquals("B", changed.json().get("label").get("better").asText());

        Http.Reply withdrawn = http.withdraw(alice, "p1", null);
        assertEquals(201, withdrawn.status(), withdrawn.body());
        assertEquals("withdrawn", withdrawn.json().get("outcome").asText());
        assertTrue(withdrawn.json().get("label").isNull());
        assertEquals(0, withdrawn.json().get("progress").get("labelled").asInt());
        assertEquals(200, http.withdraw(alice, "p1", null).status(), "nothing left to withdraw");
        assertEquals(0, http.get("/api/labels", alice).json().size());

        Http.Reply undone = http.undo(alice, null);
        assertEquals(201, undone.status(), undone.body());
        assertEquals("undone", undone.json().get("outcome").asText());
        assertEquals("p1", undone.json().get("pair_id").asText());
        assertEquals("on reflection B", undone.json().get("label").get("explanation").asText(), "the withdrawal is undone");
        assertEquals("A", http.undo(alice, null).json().get("label").get("better").asText(), "then the change to B");
        assertTrue(http.undo(alice, null).json().get("label").isNull(), "then the first label");
        Http.Reply nothing = http.undo(alice, null);
        assertEquals(200, nothing.status());
        assertEquals("unchanged", nothing.json().get("outcome").asText());

        JsonNode history = http.get("/api/pairs/p1/history", alice).json();
        assertEquals(List.of("label", "label", "withdraw", "undo", "undo", "undo"), actions(history));
        for (JsonNode change : history) {
            assertEquals("alice", change.get("author").asText());
            assertTrue(change.get("changed_at").asText().endsWith("Z"));
        }
        assertEquals(history.get(2).get("seq").asLong(), history.get(3).get("undoes").asLong());
        assertEquals("polite", history.get(0).get("label").get("explanation").asText(), "never overwritten");
        assertEquals(6, store.history().size());
        assertTrue(store.labels().isEmpty());
    }

    @Test
    void aRetriedChangeIsAppliedOnceEvenAfterALaterChange() throws Exception {
        Http.Reply first = http.label(alice, "p2", "A", "tie", true, true, "", "change-1");
        assertEquals(201, first.status());
        assertEquals(201, http.label(alice, "p2", "B", "tie", true, true, "", "change-2").status());
        Http.Reply lateRetry = http.label(alice, "p2", "A", "tie", true, true, "", "change-1");
        assertEquals(200, lateRetry.status());
        assertEquals("repeated", lateRetry.json().get("outcome").asText());
        assertEquals(first.json().get("change").get("seq"), lateRetry.json().get("change").get("seq"));
        assertEquals("B", lateRetry.json().get("label").get("better").asText(), "the later change stands");
        Http.Reply reused = http.label(alice, "p1", "A", "tie", true, true, "", "change-1");
        assertEquals(409, reused.status(), reused.body());
        assertTrue(reused.json().get("error").asText().contains("already used for a different change"), reused.body());
        assertEquals(201, http.undo(alice, "undo-1").status());
        assertEquals("repeated", http.undo(alice, "undo-1").json().get("outcome").asText(), "an undo retried undoes once");
        assertEquals(Choice.A, store.label("alice", "p2").orElseThrow().better());
        assertEquals(3, store.history().size());
        // keys are per annotator: bob may use the same key for his own change
        assertEquals(201, http.label(bob, "p2", "A", "tie", true, true, "", "change-1").status());
    }

    @Test
    void anAnnotatorRevisitsTheirPairsWithTheirCurrentLabels() throws Exception {
        JsonNode assigned = http.get("/api/assigned", alice).json();
        assertEquals(2, assigned.get("pairs").size());
        String firstId = assigned.get("pairs").get(0).get("id").asText();
        assertTrue(!assigned.get("pairs").get(0).get("labelled").asBoolean());
        http.label(alice, firstId, "tie", "A", false, true, "hmm");
        http.label(alice, firstId, "B", "A", false, true, "hmm");

        JsonNode revisited = http.get("/api/pairs/" + firstId, alice).json();
        assertEquals(firstId, revisited.get("pair").get("id").asText());
        assertEquals(0, revisited.get("position").asInt());
        assertEquals("B", revisited.get("label").get("better").asText());
        assertEquals(2, revisited.get("changes").asInt());
        assertEquals(1, revisited.get("progress").get("labelled").asInt());
        assertTrue(http.get("/api/assigned", alice).json().get("pairs").get(0).get("labelled").asBoolean());
        String secondId = assigned.get("pairs").get(1).get("id").asText();
        assertEquals(secondId, http.get("/api/next", alice).json().get("pair").get("id").asText());
        assertTrue(http.get("/api/pairs/" + secondId, alice).json().get("label").isNull());
        assertEquals(404, http.get("/api/pairs/nope", alice).status());
        assertEquals(0, http.get("/api/pairs/" + firstId + "/history", bob).json().size(), "bob sees only his own history");
    }

    private static List<String> actions(JsonNode history) {
        List<String> actions = new java.util.ArrayList<>();
        history.forEach(change -> actions.add(change.get("action").asText()));
        return actions;
    }
}
