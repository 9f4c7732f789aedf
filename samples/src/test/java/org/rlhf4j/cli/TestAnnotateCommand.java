package org.rlhf4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rlhf4j.api.annotation.AnnotationApp;

/**
 * The team lead's commands of docs/annotation.md end to end: tokens, pairs from a file, labels over
 * HTTP, export, an arm trained on the export by {@code rlhf run} with no conversion, then pairs sampled from that
 * run's SFT and DPO checkpoints; and a dataset import.
 */
class TestAnnotateCommand {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path directory;

    @Test
    void tokensPairsLabelsExportAndAnArmTrainedOnTheLabels() throws Exception {
        Path store = directory.resolve("store");
        CliResult tokens = CliResult.run("annotate", "tokens", "--store", store.toString(), "alice", "bob");
        assertEquals(0, tokens.exitCode(), tokens.toString());
        Map<String, String> byName = new HashMap<>();
        for (String line : tokens.out().strip().split("\n")) {
            String[] parts = line.split(" ");
            byName.put(parts[0], parts[1]);
        }
        assertEquals(2, byName.size(), tokens.out());
        assertEquals(0, CliResult.run("annotate", "tokens", "--store", store.toString(), "--admin", "lead").exitCode());

        Path pairs = directory.resolve("pairs.jsonl");
        List<String> comparisons = Files.readAllLines(Path.of("configs/data/review-comparisons.jsonl")).subList(0, 12);
        Files.write(pairs, comparisons);
        CliResult added = CliResult.run("annotate", "pairs", "--store", store.toString(), "--file", pairs.toString(), "--per-pair", "2");
        assertEquals(0, added.exitCode(), added.toString());
        assertTrue(added.out().contains("Added 12 new pairs"), added.out());

        // both annotators label every pair over HTTP: the longer response is better, bob calls one in four a tie
        try (AnnotationApp.Server server = AnnotationApp.find().orElseThrow().serve(store, "127.0.0.1", 0)) {
            HttpClient http = HttpClient.newHttpClient();
            for (String name : List.of("alice", "bob")) {
                for (int i = 0; ; i++) {
                    JsonNode next = get(http, server.port(), "/api/next", byName.get(name));
                    if (next.get("pair").isNull()) {
                        assertEquals(12, i);
                        break;
                    }
                    JsonNode pair = next.get("pair");
                    String longer = pair.get("response_a").asText().length() >= pair.get("response_b").asText().length() ? "A" : "B";
                    String better = name.equals("bob") && i % 4 == 3 ? "tie" : longer;
                    String body = JSON.createObjectNode().put("pair_id", pair.get("id").asText()).put("better", better)
                            .put("more_harmless", longer).put("a_safe", true).put("b_safe", !pair.get("response_b").asText()
                                    .contains("idiot")).put("explanation", name + " #" + i).toString();
                    HttpResponse<String> stored = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                            + "/api/labels")).header("Authorization", "Bearer " + byName.get(name))
                            .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                            HttpResponse.BodyHandlers.ofString());
                    assertEquals(201, stored.statusCode(), stored.body());
                }
            }
        }

        Path labels = directory.resolve("labels.jsonl");
        CliResult export = CliResult.run("annotate", "export", "--store", store.toString(), "--out", labels.toString());
        assertEquals(0, export.exitCode(), export.toString());
        assertTrue(export.out().contains("Exported 24 labels"), export.out());
        assertEquals(24, Files.readAllLines(labels).size());
        JsonNode agreement = JSON.readTree(directory.resolve("labels.agreement.json").toFile());
        assertEquals(12, agreement.get("better").get("shared_pairs").asInt());

        // an arm trains its reward model and DPO on the exported labels: no conversion, no comparisons file
        Path config = directory.resolve("humans.yaml");
        Files.writeString(config, """
                name: human-labels
                seed: 5
                task: {type: reviews}
                policy: {d_model: 32, n_layers: 1, n_heads: 2, max_seq_len: 48, max_vocab: 600}
                sft: {corpus_size: 300, steps: 20, batch_size: 8, lr: 0.005, warmup: 2, log_every: 10, checkpoint_every: 10}
                evaluation: {prompts: 3, samples_per_prompt: 2, max_new_tokens: 12}
                arms:
                  - name: humans
                    feedback: {type: human-dataset, path: labels.jsonl, mode: pairs, format: ab, on_malformed: skip}
                    preferences: {heldout_fraction: 0.25}
                    reward_model: {epochs: 1, batch_size: 4, log_every: 2}
                    algorithm: {type: dpo, epochs: 1, batch_size: 4, log_every: 2}
                """);
        Path run = directory.resolve("run");
        CliResult trained = CliResult.run("run", config.toString(), "--out", run.toString());
        assertEquals(0, trained.exitCode(), trained.toString());
        JsonNode arm = JSON.readTree(run.resolve("summary.json").toFile()).get("arms").get(0);
        assertEquals("human-dataset", arm.get("feedback").asText());
        assertEquals(12, arm.get("preferences").get("pairs").asInt(), arm.toString());
        assertTrue(arm.get("steps").asInt() > 0, arm.toString());
        List<String> preferenceLines = Files.readAllLines(run.resolve("preferences.jsonl"));
        assertEquals(12, preferenceLines.size());
        JsonNode first = JSON.readTree(preferenceLines.get(0));
        assertEquals("alice+bob", first.get("judge_id").asText());
        assertEquals(JSON.readTree(comparisons.get(0)).get("prompt").asText(), first.get("prompt").asText());

        // pairs sampled from the run's SFT policy and from the arm's DPO policy
        CliResult fromSft = CliResult.run("annotate", "pairs", "--store", store.toString(), "--from-run", run.toString());
        assertEquals(0, fromSft.exitCode(), fromSft.toString());
        assertTrue(fromSft.out().contains("Added 3 new pairs"), fromSft.toString());
        assertTrue(fromSft.err().contains("Sampled 3 pairs from run run, sft step 20"), fromSft.err());
        CliResult fromDpo = CliResult.run("annotate", "pairs", "--store", store.toString(), "--from-run", run.toString(),
                "--arm", "humans", "--seed", "7");
        assertEquals(0, fromDpo.exitCode(), fromDpo.toString());
        assertTrue(fromDpo.err().contains("arm humans dpo step"), fromDpo.err());
        CliResult noArm = CliResult.run("annotate", "pairs", "--store", store.toString(), "--from-run", run.toString(), "--arm", "nope");
        assertEquals(1, noArm.exitCode(), noArm.toString());
        assertTrue(noArm.err().contains("no checkpoints of arm 'nope' (arms: [humans])"), noArm.err());
    }

    @Test
    void importConvertsADatasetAndNamesAMalformedLine() throws Exception {
        Path hh = directory.resolve("hh.jsonl");
        Files.writeString(hh, "{\"chosen\": \"\\n\\nHuman: Hi\\n\\nAssistant: Hello\", \"rejected\": \"\\n\\nHuman: Hi\\n\\nAssistant: Go\"}\n"
                + "{\"chosen\": 3}\n");
        Path out = directory.resolve("hh-prefs.jsonl");
        CliResult stopped = CliResult.run("annotate", "import", hh.toString(), "--format", "hh-rlhf", "--out", out.toString());
        assertEquals(1, stopped.exitCode(), stopped.toString());
        assertTrue(stopped.err().contains(hh + ":2: "), stopped.err());
        assertTrue(!Files.exists(out), "a failed import writes nothing");
        CliResult skipped = CliResult.run("annotate", "import", hh.toString(), "--format", "hh-rlhf", "--skip-malformed",
                "--out", out.toString());
        assertEquals(0, skipped.exitCode(), skipped.toString());
        assertTrue(skipped.out().contains("Imported 1 pairs to " + out + " (1 malformed lines skipped)"), skipped.out());
        JsonNode line = JSON.readTree(Files.readAllLines(out).get(0));
        assertEquals("\n\nHuman: Hi\n\nAssistant:", line.get("prompt").asText());
        assertEquals("Hello", line.get("response_a").asText());
        assertEquals("A", line.get("preference").asText());
        CliResult badFormat = CliResult.run("annotate", "import", hh.toString(), "--format", "csv", "--out", out.toString());
        assertEquals(2, badFormat.exitCode(), badFormat.toString());
        assertTrue(badFormat.err().contains("known formats: auto, ab, trl, hh-rlhf, pku-saferlhf, ultrafeedback"), badFormat.err());
        assertEquals(2, CliResult.run("annotate").exitCode());
        assertEquals(2, CliResult.run("annotate", "pairs", "--store", directory.toString()).exitCode(), "--file or --from-run");
    }

    @Test
    void tokensExpireAndAreRevokedAndTheStoreIsBackedUpWhileServedAndExportedWithItsHistory() throws Exception {
        Path store = directory.resolve("store");
        CliResult issued = CliResult.run("annotate", "tokens", "--store", store.toString(), "--expires", "30d", "alice", "bob");
        assertEquals(0, issued.exitCode(), issued.toString());
        assertEquals(2, issued.out().strip().split("\n").length, issued.out());
        assertTrue(issued.err().startsWith("The tokens expire at "), issued.err());
        Instant expires = Instant.parse(issued.err().substring("The tokens expire at ".length()).strip());
        assertTrue(Math.abs(Duration.between(Instant.now().plus(Duration.ofDays(30)), expires).toSeconds()) < 60, expires.toString());
        String alice = issued.out().strip().split("\n")[0].split(" ")[1];
        CliResult badExpiry = CliResult.run("annotate", "tokens", "--store", store.toString(), "--expires", "tomorrow", "carol");
        assertEquals(2, badExpiry.exitCode(), badExpiry.toString());
        assertTrue(badExpiry.err().contains("--expires 'tomorrow': give a duration (90m, 12h, 30d, 2w, P30D)"), badExpiry.err());
        CliResult past = CliResult.run("annotate", "tokens", "--store", store.toString(), "--expires", "2000-01-01", "carol");
        assertEquals(2, past.exitCode(), past.toString());
        assertTrue(past.err().contains("a token's expiry must be in the future"), past.err());

        Path pairs = directory.resolve("pairs.jsonl");
        Files.write(pairs, Files.readAllLines(Path.of("configs/data/review-comparisons.jsonl")).subList(0, 4));
        assertEquals(0, CliResult.run("annotate", "pairs", "--store", store.toString(), "--file", pairs.toString(),
                "--per-pair", "2").exitCode());
        Path backup = directory.resolve("backups/store-copy.db");
        try (AnnotationApp.Server server = AnnotationApp.find().orElseThrow().serve(store, "127.0.0.1", 0)) {
            HttpClient http = HttpClient.newHttpClient();
            JsonNode pair = get(http, server.port(), "/api/next", alice).get("pair");
            String label = JSON.createObjectNode().put("pair_id", pair.get("id").asText()).put("better", "A")
                    .put("more_harmless", "A").put("a_safe", true).put("b_safe", true).toString();
            assertEquals(201, post(http, server.port(), "/api/labels", alice, label).statusCode());
            String changed = JSON.createObjectNode().put("pair_id", pair.get("id").asText()).put("better", "B")
                    .put("more_harmless", "A").put("a_safe", true).put("b_safe", true).toString();
            assertEquals(201, post(http, server.port(), "/api/labels", alice, changed).statusCode(), "a label can change");

            CliResult backedUp = CliResult.run("annotate", "backup", "--store", store.toString(), backup.toString());
            assertEquals(0, backedUp.exitCode(), backedUp.toString());
            assertEquals("Backed up " + store + " to " + backup + " (2 label changes)\n", backedUp.out());
            CliResult again = CliResult.run("annotate", "backup", "--store", store.toString(), backup.toString());
            assertEquals(2, again.exitCode(), again.toString());
            assertTrue(again.err().contains("already exists"), again.err());

            CliResult revoked = CliResult.run("annotate", "tokens", "--store", store.toString(), "--revoke", "alice");
            assertEquals(0, revoked.exitCode(), revoked.toString());
            assertEquals("Revoked alice\n", revoked.out());
            HttpResponse<String> refused = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                    + "/api/me")).header("Authorization", "Bearer " + alice).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(401, refused.statusCode(), "the running server refuses it on the next request");
            assertEquals("alice was already revoked\n",
                    CliResult.run("annotate", "tokens", "--store", store.toString(), "--revoke", "alice").out());
            CliResult unknown = CliResult.run("annotate", "tokens", "--store", store.toString(), "--revoke", "nobody");
            assertEquals(2, unknown.exitCode(), unknown.toString());
            assertTrue(unknown.err().contains("no token was issued to 'nobody' (holders: alice, bob)"), unknown.err());
            assertEquals(2, CliResult.run("annotate", "tokens", "--store", store.toString(), "--revoke", "--admin", "bob").exitCode());
        }

        Path labels = directory.resolve("from-backup.jsonl");
        Path history = directory.resolve("history.jsonl");
        CliResult exported = CliResult.run("annotate", "export", "--store", backup.toString(), "--out", labels.toString(),
                "--history", history.toString());
        assertEquals(0, exported.exitCode(), exported.toString());
        assertTrue(exported.out().startsWith("Exported 1 labels to " + labels), exported.out());
        assertEquals("B", JSON.readTree(Files.readAllLines(labels).get(0)).get("preference").asText(), "the latest label");
        List<String> changes = Files.readAllLines(history);
        assertEquals(2, changes.size());
        assertEquals("A", JSON.readTree(changes.get(0)).get("label").get("better").asText(), "the history keeps the first");
        assertEquals("alice", JSON.readTree(changes.get(1)).get("author").asText());
    }

    @Test
    void serveRefusesPlainHttpOffLoopbackAndAnUnusableKeystore() throws Exception {
        Path store = directory.resolve("store");
        CliResult refused = CliResult.run("annotate", "serve", "--store", store.toString(), "--host", "0.0.0.0", "--port", "0");
        assertEquals(2, refused.exitCode(), refused.toString());
        assertTrue(refused.err().contains("refusing to serve plain HTTP on 0.0.0.0, which is not a loopback address"), refused.err());
        assertTrue(refused.err().contains("--tls-keystore FILE") && refused.err().contains("--insecure-http"), refused.err());

        Path keystore = directory.resolve("test.p12");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        Process process = new ProcessBuilder(keytool, "-genkeypair", "-alias", "annotate", "-keyalg", "EC", "-groupname",
                "secp256r1", "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12",
                "-keystore", keystore.toString(), "-storepass", "generated-for-this-test", "-noprompt")
                .redirectErrorStream(true).start();
        process.getInputStream().readAllBytes();
        assertEquals(0, process.waitFor());
        CliResult noPassword = CliResult.run("annotate", "serve", "--store", store.toString(), "--port", "0",
                "--tls-keystore", keystore.toString());
        assertEquals(2, noPassword.exitCode(), noPassword.toString());
        assertTrue(noPassword.err().contains("--tls-password-file FILE or the environment variable RLHF_TLS_PASSWORD"),
                noPassword.err());
        CliResult wrong = CliResult.run(Map.of("RLHF_TLS_PASSWORD", "not-it"), "annotate", "serve", "--store", store.toString(),
                "--port", "0", "--tls-keystore", keystore.toString());
        assertEquals(2, wrong.exitCode(), wrong.toString());
        assertTrue(wrong.err().contains("cannot open the TLS keystore " + keystore), wrong.err());
        assertTrue(!wrong.err().contains("not-it"), "the password is not printed");
    }

    @Test
    void expiryIsADurationADateOrAnInstant() {
        Instant now = Instant.parse("2025-03-01T10:00:00Z");
        assertEquals(Instant.parse("2025-03-01T11:30:00Z"), AnnotateCommand.expiry("90m", now));
        assertEquals(Instant.parse("2025-03-01T22:00:00Z"), AnnotateCommand.expiry("12h", now));
        assertEquals(Instant.parse("2025-03-31T10:00:00Z"), AnnotateCommand.expiry("30d", now));
        assertEquals(Instant.parse("2025-03-15T10:00:00Z"), AnnotateCommand.expiry("2w", now));
        assertEquals(Instant.parse("2025-03-08T10:00:00Z"), AnnotateCommand.expiry("P7D", now));
        assertEquals(Instant.parse("2025-03-02T22:00:00Z"), AnnotateCommand.expiry("PT36H", now));
        assertEquals(Instant.parse("2025-07-01T00:00:00Z"), AnnotateCommand.expiry("2025-07-01", now));
        assertEquals(Instant.parse("2025-07-01T12:00:00Z"), AnnotateCommand.expiry("2025-07-01T12:00:00Z", now));
    }

    private static HttpResponse<String> post(HttpClient http, int port, String path, String token, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode get(HttpClient http, int port, String path, String token) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return JSON.readTree(response.body());
    }
}
