package org.rlhf4j.feedback.human.annotate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The web app on a real Javalin server on loopback, spoken to over HTTP. */
class TestAnnotationServer {
    @TempDir
    Path directory;

    private AnnotationServer server;
    private Http http;
    private String alice;
    private String bob;
    private String lead;

    @BeforeEach
    void start() {
        AnnotationStore store = AnnotationStore.open(directory);
        alice = store.issueToken("alice", Role.ANNOTATOR);
        bob = store.issueToken("bob", Role.ANNOTATOR);
        lead = store.issueToken("lead", Role.ADMIN);
        store.setAnnotatorsPerPair(2);
        store.addPairs(List.of(new Pair("p1", "Say hi", "Hello!", "Go away."),
                new Pair("p2", "Name a fruit", "Apple", "A rock"),
                new Pair("p3", "2+2?", "4", "5")));
        server = AnnotationServer.start(store, "127.0.0.1", 0);
        http = new Http(server.port());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void withoutAValidTokenEverythingIs401AndNothingChanges() throws Exception {
        for (String token : new String[] {null, "", "not-a-token", alice + "x"}) {
            assertEquals(401, http.get("/api/me", token).status());
            assertEquals(401, http.get("/api/next", token).status());
            assertEquals(401, http.get("/api/labels", token).status());
            assertEquals(401, http.get("/api/admin/progress", token).status());
            assertEquals(401, http.get("/api/no-such-endpoint", token).status());
            assertEquals(401, http.get("/api/assigned", token).status());
            assertEquals(401, http.get("/api/pairs/p1", token).status());
            assertEquals(401, http.undo(token, null).status());
            assertEquals(401, http.withdraw(token, "p1", null).status());
            Http.Reply reply = http.label(token, "p1", "A", "A", true, false, "sneaky");
            assertEquals(401, reply.status());
            assertTrue(reply.json().get("error").asText().contains("token"), reply.body());
        }
        assertEquals(0, http.get("/api/labels", alice).json().size(), "a refused write stored nothing");
        assertEquals(0, http.get("/api/admin/progress", lead).json().get("agreement").get("labels").asInt());
        // the page itself carries no data and needs no token
        Http.Reply page = http.get("/", null);
        assertEquals(200, page.status());
        assertTrue(page.body().contains("rlhf4j annotate"));
    }

    @Test
    void anAnnotatorSeesOnlyTheirOwnLabels() throws Exception {
        assertEquals(201, http.label(alice, "p1", "A", "A", true, false, "polite").status());
        assertEquals(201, http.label(bob, "p1", "B", "A", true, false, "").status());
        JsonNode aliceLabels = http.get("/api/labels", alice).json();
        JsonNode bobLabels = http.get("/api/labels", bob).json();
        assertEquals(1, aliceLabels.size());
        assertEquals("alice", aliceLabels.get(0).get("annotator").asText());
        assertEquals("polite", aliceLabels.get(0).get("explanation").asText());
        assertEquals(1, bobLabels.size());
        assertEquals("B", bobLabels.get(0).get("better").asText());
        // neither a query nor a path reaches another annotator's labels
        assertEquals("alice", http.get("/api/labels?annotator=bob", alice).json().get(0).get("annotator").asText());
        assertEquals(403, http.get("/api/admin/progress", alice).status());
        assertEquals(403, http.label(lead, "p1", "A", "A", true, true, "").status(), "admins do not label");
        JsonNode me = http.get("/api/me", alice).json();
        assertEquals("annotator", me.get("role").asText());
        assertEquals(3, me.get("progress").get("assigned").asInt(), "two annotators, two per pair: all three pairs each");
        assertEquals(1, me.get("progress").get("labelled").asInt());
    }

    @Test
    void malformedRequestsGetAClear4xxAndLoseNothingWritten() throws Exception {
        assertEquals(201, http.label(alice, "p2", "B", "tie", true, false, "kept").status());
        assertError(400, "not valid JSON", http.post("/api/labels", alice, "application/json", "{\"pair_id\": "));
        assertError(400, "must be a JSON object", http.post("/api/labels", alice, "application/json", "[1, 2]"));
        assertError(400, "missing field 'better'", http.post("/api/labels", alice, "application/json",
                "{\"pair_id\": \"p1\", \"more_harmless\": \"A\", \"a_safe\": true, \"b_safe\": true}"));
        assertError(400, "field 'better' must be \\\"A\\\", \\\"B\\\" or \\\"tie\\\"", http.label(alice, "p1", "C", "A", true, true, ""));
        assertError(400, "field 'a_safe' must be true or false", http.post("/api/labels", alice, "application/json",
                "{\"pair_id\": \"p1\", \"better\": \"A\", \"more_harmless\": \"A\", \"a_safe\": \"yes\", \"b_safe\": true}"));
        assertError(400, "unknown field 'annotator'", http.post("/api/labels", alice, "application/json",
                "{\"pair_id\": \"p1\", \"better\": \"A\", \"more_harmless\": \"A\", \"a_safe\": true, \"b_safe\": true, "
                        + "\"annotator\": \"bob\"}"));
        assertError(400, "at most 4000", http.label(alice, "p1", "A", "A", true, true, "x".repeat(4001)));
        assertError(415, "application/json", http.post("/api/labels", alice, "text/plain", "{}"));
        assertError(404, "no pair with id 'nope'", http.label(alice, "nope", "A", "A", true, true, ""));
        assertError(404, "no pair with id 'nope'", http.withdraw(alice, "nope", null));
        assertError(400, "Idempotency-Key", http.label(alice, "p1", "A", "A", true, true, "", "not a key!"));
        Http.Reply huge = http.post("/api/labels", alice, "application/json", "{\"explanation\": \"" + "x".repeat(100_000) + "\"}");
        assertEquals(413, huge.status(), huge.body());
        assertTrue(huge.body().contains("over 65536 bytes"), huge.body());
        // a body of unknown length (chunked) is cut at the limit too
        byte[] chunked = ("{\"explanation\": \"" + "y".repeat(100_000) + "\"}").getBytes(StandardCharsets.UTF_8);
        Http.Reply streamed = http.send(HttpRequest.newBuilder(URI.create(http.base() + "/api/labels"))
                .header("Authorization", "Bearer " + alice).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(chunked))).build());
        assertEquals(413, streamed.status(), streamed.body());
        // request headers over 8 KiB
        Http.Reply headers = http.send(HttpRequest.newBuilder(URI.create(http.base() + "/api/me"))
                .header("Authorization", "Bearer " + alice).header("X-Filler", "z".repeat(10_000)).build());
        assertEquals(431, headers.status(), headers.body());
        // what was written before stays, exactly once
        JsonNode labels = http.get("/api/labels", alice).json();
        assertEquals(1, labels.size(), "no malformed request stored anything");
        assertEquals("kept", labels.get(0).get("explanation").asText());
        assertEquals(1, http.get("/api/pairs/p2/history", alice).json().size());
    }

    @Test
    void aPairAssignedToOthersCannotBeLabelled() throws Exception {
        server.close();
        AnnotationStore store = AnnotationStore.open(directory);
        store.setAnnotatorsPerPair(1);
        server = AnnotationServer.start(store, "127.0.0.1", 0);
        http = new Http(server.port());
        List<String> mine = store.assignedTo("alice");
        List<String> theirs = store.assignedTo("bob");
        assertEquals(3, mine.size() + theirs.size(), "one annotator per pair");
        String notMine = theirs.isEmpty() ? null : theirs.get(0);
        if (notMine != null) {
            assertEquals(403, http.label(alice, notMine, "A", "A", true, true, "").status());
        }
        String next = http.get("/api/next", alice).json().path("pair").path("id").asText(null);
        assertEquals(mine.isEmpty() ? null : mine.get(0), next);
    }

    @Test
    void theAdminSeesProgressAndAgreement() throws Exception {
        // p1: both A; p2: A vs B; p3: both B (better); harmlessness: all A
        http.label(alice, "p1", "A", "A", true, false, "");
        http.label(bob, "p1", "A", "A", true, false, "");
        http.label(alice, "p2", "A", "A", true, true, "");
        http.label(bob, "p2", "A", "A", true, true, "");
        assertEquals(201, http.label(bob, "p2", "B", "A", true, true, "changed my mind").status(), "the latest label counts");
        http.label(alice, "p3", "B", "A", true, false, "");
        http.label(bob, "p3", "B", "A", true, false, "");
        JsonNode progress = http.get("/api/admin/progress", lead).json();
        assertEquals(3, progress.get("pairs").asInt());
        assertEquals(2, progress.get("annotators").size());
        assertEquals(3, progress.get("annotators").get(0).get("labelled").asInt());
        JsonNode better = progress.get("agreement").get("better");
        // alice A,A,B; bob A,B,B: p_o = 2/3, p_e = (2/3)(1/3) + (1/3)(2/3) = 4/9, kappa = (2/3 - 4/9) / (5/9) = 0.4
        assertEquals(0.4, better.get("cohen_kappa").get(0).get("kappa").asDouble(), 1e-12);
        // Fleiss: P_i = 1, 0, 1 (mean 2/3); p_A = p_B = 1/2, P_e = 1/2: kappa = (2/3 - 1/2) / (1/2) = 1/3
        assertEquals(1.0 / 3.0, better.get("fleiss_kappa").asDouble(), 1e-12);
        assertTrue(progress.get("agreement").get("more_harmless").get("fleiss_kappa").isNull(), "one category: undefined");
        assertEquals(6, progress.get("labels").asInt());
        assertEquals(7, progress.get("changes").asInt());
        JsonNode bobRow = progress.get("annotators").get(1);
        assertEquals("bob", bobRow.get("name").asText());
        assertEquals(4, bobRow.get("changes").asInt());
        assertEquals("active", bobRow.get("token").asText());
        // the pair they disagree on, and only that one: 1 - P = 1
        JsonNode disagreements = progress.get("disagreements");
        assertEquals(1, disagreements.size());
        assertEquals("p2", disagreements.get(0).get("pair_id").asText());
        assertEquals("Name a fruit", disagreements.get(0).get("prompt").asText());
        assertEquals(1.0, disagreements.get(0).get("disagreement").asDouble(), 1e-12);
        assertEquals(1, disagreements.get(0).get("votes").get("B").asInt());
        assertError(400, "'disagreements' must be 0 to 100", http.get("/api/admin/progress?disagreements=1000", lead));
    }

    @Test
    void everyResponseCarriesTheSecurityHeaders() throws Exception {
        List<Http.Reply> replies = List.of(http.get("/", null), http.get("/app.js", null), http.get("/labelling.js", null),
                http.get("/app.css", null), http.get("/api/me", alice), http.get("/api/me", null), http.get("/nope", null),
                http.label(alice, "nope", "A", "A", true, true, ""));
        for (Http.Reply reply : replies) {
            String policy = reply.header("Content-Security-Policy");
            assertTrue(policy != null && policy.contains("script-src 'self'") && !policy.contains("unsafe-inline")
                    && policy.contains("frame-ancestors 'none'"), reply.status() + ": " + policy);
            assertEquals("nosniff", reply.header("X-Content-Type-Options"));
            assertEquals(null, reply.header("Strict-Transport-Security"), "no HSTS over plain HTTP");
            assertEquals("no-referrer", reply.header("Referrer-Policy"));
            assertEquals("no-store", reply.header("Cache-Control"));
        }
        assertEquals("text/javascript; charset=utf-8", replies.get(1).header("Content-Type"));
        String page = replies.get(0).body();
        assertTrue(page.contains("<script type=\"module\" src=\"/app.js\"></script>"));
        assertTrue(!page.replace("<script type=\"module\" src=\"/app.js\"></script>", "").contains("<script"),
                "the page has no inline script");
        assertTrue(!page.matches("(?s).*\\son[a-z]+=.*"), "no inline event handlers");
    }

    @Test
    void aTokenOverItsRateLimitGets429WithRetryAfterAndChangesNothing() throws Exception {
        server.close();
        server = AnnotationServer.start(AnnotationStore.open(directory),
                ServerOptions.http("127.0.0.1", 0).withRateLimit(new RateLimit(2, 3)));
        http = new Http(server.port());
        for (int i = 0; i < 3; i++) {
            assertEquals(200, http.get("/api/me", alice).status(), "within the burst");
        }
        Http.Reply limited = http.label(alice, "p1", "A", "A", true, true, "");
        assertEquals(429, limited.status(), limited.body());
        assertEquals("1", limited.header("Retry-After"));
        assertTrue(limited.json().get("error").asText().contains("too many requests"), limited.body());
        assertEquals(200, http.get("/api/me", bob).status(), "another token has its own limit");
        Thread.sleep(1000);
        assertEquals(0, http.get("/api/labels", alice).json().size(), "the refused label was not stored");
    }

    private static void assertError(int status, String message, Http.Reply reply) {
        assertEquals(status, reply.status(), reply.body());
        assertTrue(reply.body().contains(message), reply.body());
    }
}
