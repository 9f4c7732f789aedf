package org.rlhf4j.feedback.human.annotate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tokens on a real server: a revocation (made by another connection, as {@code rlhf annotate tokens --revoke} makes
 * it from another process) and an expiry take effect on the very next request while the holder's labels stay; and
 * no token is ever written in plain text, in the store or in the server's log.
 */
class TestTokenLifecycle {
    @TempDir
    Path directory;

    private final HumanAnnotationApp app = new HumanAnnotationApp();

    @Test
    void revocationAndExpiryTakeEffectOnTheNextRequest() throws Exception {
        Map<String, String> tokens = app.issueTokens(directory, List.of("alice", "bob"), false);
        String lead = app.issueTokens(directory, List.of("lead"), true).get("lead");
        Path pairs = directory.resolve("pairs.jsonl");
        Files.writeString(pairs, "{\"id\": \"p1\", \"prompt\": \"Say hi\", \"response_a\": \"Hello!\", \"response_b\": \"Go.\"}\n");
        app.addPairs(directory, pairs, Optional.of(2));
        try (AnnotationServer server = AnnotationServer.start(AnnotationStore.open(directory), "127.0.0.1", 0)) {
            Http http = new Http(server.port());
            String alice = tokens.get("alice");
            assertEquals(201, http.label(alice, "p1", "A", "A", true, true, "").status());
            assertEquals(200, http.get("/api/me", alice).status());

            assertEquals(List.of("alice"), app.revokeTokens(directory, List.of("alice")));
            Http.Reply refused = http.get("/api/me", alice);
            assertEquals(401, refused.status(), "revoked: refused on the next request");
            assertTrue(refused.json().get("error").asText().contains("revoked"), refused.body());
            assertEquals(401, http.label(alice, "p1", "B", "B", true, true, "").status());
            assertEquals(200, http.get("/api/me", tokens.get("bob")).status(), "bob is unaffected");
            JsonNode progress = http.get("/api/admin/progress", lead).json();
            assertEquals(1, progress.get("annotators").get(0).get("labelled").asInt(), "alice's label stays");
            assertEquals("revoked", progress.get("annotators").get(0).get("token").asText());
            assertEquals(1, progress.get("labels").asInt());

            String carol = app.issueTokens(directory, List.of("carol"), false, Optional.of(Instant.now().plusMillis(1500))).get("carol");
            assertEquals(200, http.get("/api/me", carol).status(), "before its expiry");
            JsonNode carolRow = http.get("/api/admin/progress", lead).json().get("annotators").get(2);
            assertEquals("active", carolRow.get("token").asText());
            Instant expiry = Instant.parse(carolRow.get("expires_at").asText());
            Thread.sleep(Math.max(0, Duration.between(Instant.now(), expiry).toMillis()) + 20);
            Http.Reply expired = http.get("/api/next", carol);
            assertEquals(401, expired.status(), "expired: refused on the next request");
            assertTrue(expired.json().get("error").asText().contains("expired at " + expiry), expired.body());

            String aliceAgain = app.issueTokens(directory, List.of("alice"), false).get("alice");
            assertEquals(200, http.get("/api/me", aliceAgain).status(), "a new token for alice works at once");
            assertEquals(401, http.get("/api/me", alice).status(), "her revoked one stays refused");
            assertEquals("A", http.get("/api/labels", aliceAgain).json().get(0).get("better").asText(), "with her earlier label");
        }
    }

    @Test
    void noTokenAppearsInPlainTextInTheStoreOrTheLog() throws Exception {
        Map<String, String> tokens = app.issueTokens(directory, List.of("alice", "bob", "revoked"), false);
        tokens.putAll(Map.of("lead", app.issueTokens(directory, List.of("lead"), true).get("lead")));
        String expiring = app.issueTokens(directory, List.of("expiring"), false, Optional.of(Instant.now().plusMillis(800)))
                .get("expiring");
        Path pairs = directory.resolve("pairs.jsonl");
        Files.writeString(pairs, "{\"id\": \"p1\", \"prompt\": \"Say hi\", \"response_a\": \"Hello!\", \"response_b\": \"Go.\"}\n");
        app.addPairs(directory, pairs, Optional.of(3));
        app.revokeTokens(directory, List.of("revoked"));
        Path log = directory.resolve("server.log");
        List<String> secrets = new ArrayList<>(tokens.values());
        secrets.add(expiring);
        try (ServerProcess server = ServerProcess.start(directory, log, "info")) {
            Http http = new Http(server.port());
            for (String token : tokens.values()) {
                http.get("/api/me", token);
                http.get("/api/next", token);
                http.label(token, "p1", "A", "B", true, true, "");
                http.get("/api/me", token + "x");
            }
            Thread.sleep(900);
            assertEquals(401, http.get("/api/me", expiring).status());
            http.post("/api/labels", tokens.get("alice"), "application/json", "{\"pair_id\": ");
            server.kill();
        }
        String logText = Files.readString(log);
        assertTrue(logText.contains("GET /api/me -> 401 (-, "), "requests are logged, refused ones too:\n" + logText);
        assertTrue(logText.contains("POST /api/labels -> 201 (alice, "), logText);
        List<Path> files = new ArrayList<>(List.of(log));
        try (Stream<Path> list = Files.list(directory)) {
            list.filter(path -> path.getFileName().toString().startsWith(AnnotationStore.FILE)).forEach(files::add);
        }
        assertTrue(files.size() >= 2, "the store's files: " + files);
        String storeBytes = "";
        for (Path file : files) {
            String content = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
            for (String secret : secrets) {
                assertFalse(content.contains(secret), "a token in plain text in " + file.getFileName());
                assertFalse(content.contains(secret.substring(0, 16)), "half a token in " + file.getFileName());
            }
            storeBytes += content;
        }
        assertTrue(storeBytes.contains(Tokens.hash(tokens.get("alice"))), "the scan reads the store: it finds the hash");
    }
}
