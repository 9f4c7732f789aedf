package org.rlhf4j.feedback.ai.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.rlhf4j.api.feedback.Choice;
import org.rlhf4j.api.feedback.Comparison;
import org.rlhf4j.api.feedback.FeedbackContext;
import org.rlhf4j.api.feedback.FeedbackException;
import org.rlhf4j.api.feedback.Preference;
import org.rlhf4j.api.plugin.PluginContext;

/** The judge against a real HTTP server on loopback that plays the judge model. */
class TestHttpJudge {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final FeedbackContext CONTEXT = new FeedbackContext("arm", 0, 0);
    private static final Comparison GOOD_FIRST = new Comparison("Review the kettle.", "A good kettle, boils fast.", "It is a kettle.");

    /** What the fake model does with one request: HTTP status and body. */
    private record Reply(int status, String body, long delayMillis) {}

    private HttpServer server;
    private ExecutorService executor;
    private final List<JsonNode> requests = new CopyOnWriteArrayList<>();
    private final List<String> authorizations = new CopyOnWriteArrayList<>();
    private volatile Function<Integer, Reply> model;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        executor = Executors.newCachedThreadPool();
        server.setExecutor(executor);
        server.createContext("/v1/chat/completions", this::handle);
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        JsonNode request = JSON.readTree(exchange.getRequestBody());
        int index = requests.size();
        requests.add(request);
        authorizations.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
        Reply reply = model.apply(index);
        if (reply.delayMillis() > 0) {
            try {
                Thread.sleep(reply.delayMillis());
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        byte[] body = reply.body().getBytes(StandardCharsets.UTF_8);
        try {
            exchange.sendResponseHeaders(reply.status(), body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
        catch (IOException e) {
            // the client gave up (timeout test)
        }
    }

    private static Reply answer(String text) {
        String body = JSON.createObjectNode().set("choices", JSON.createArrayNode().add(JSON.createObjectNode()
                .set("message", JSON.createObjectNode().put("role", "assistant").put("content", text)))).toString();
        return new Reply(200, body, 0);
    }

    /** A model that prefers the response containing "good", wherever it is shown. */
    private Reply contentJudge(int index) {
        String user = requests.get(index).path("messages").path(1).path("content").asText();
        String a = user.substring(user.indexOf("[Response A]"), user.indexOf("[Response B]"));
        return answer(a.contains("good") ? "A" : "B");
    }

    private HttpJudgeSource judge(String extraYamlJson, Map<String, String> env) throws IOException {
        String json = "{\"base_url\": \"http://127.0.0.1:" + server.getAddress().getPort() + "/\", \"model\": \"judge-7b\", "
                + "\"backoff_millis\": 1" + extraYamlJson + "}";
        HttpJudgeConfig config = org.rlhf4j.api.config.ConfigBinder.MAPPER.readValue(json, HttpJudgeConfig.class);
        return (HttpJudgeSource) new HttpJudgeFactory().create("http-judge", config,
                PluginContext.of(Path.of("."), 0, env::get, java.util.Optional.empty()));
    }

    @Test
    void sendsAChatCompletionAndReadsTheVerdict() throws IOException {
        model = this::contentJudge;
        HttpJudgeSource judge = judge(", \"api_key_env\": \"JUDGE_KEY\"", Map.of("JUDGE_KEY", "sk-test"));
        List<Preference> preferences = judge.compare(List.of(GOOD_FIRST, GOOD_FIRST.swapped()), CONTEXT);
        assertEquals(List.of(Choice.A, Choice.B), preferences.stream().map(Preference::better).toList());
        assertEquals(1.0, preferences.get(0).confidence());
        assertEquals("judge-7b", preferences.get(0).provenance().judgeId());
        assertEquals("http-judge", preferences.get(0).provenance().sourceType());
        JsonNode request = requests.get(0);
        assertEquals("judge-7b", request.path("model").asText());
        assertEquals("system", request.path("messages").path(0).path("role").asText());
        assertTrue(request.path("messages").path(1).path("content").asText().contains("A good kettle, boils fast."));
        assertEquals(0.0, request.path("temperature").asDouble());
        assertEquals("Bearer sk-test", authorizations.get(0));
    }

    @Test
    void retriesAServerErrorThenSucceeds() throws IOException {
        AtomicInteger failures = new AtomicInteger(2);
        model = index -> failures.getAndDecrement() > 0 ? new Reply(500, "overloaded", 0) : answer("B");
        HttpJudgeSource judge = judge("", Map.of());
        assertEquals(Choice.B, judge.compare(List.of(GOOD_FIRST), CONTEXT).get(0).better());
        assertEquals(3, judge.requests());
        assertEquals("null", authorizations.get(0));
    }

    @Test
    void garbageAnswersAreRetriedThenCountAsAnUninformativeTie() throws IOException {
        model = index -> answer("I like turtles");
        HttpJudgeSource judge = judge(", \"max_retries\": 2", Map.of());
        Preference preference = judge.compare(List.of(GOOD_FIRST), CONTEXT).get(0);
        assertEquals(Choice.TIE, preference.better());
        assertEquals(0.0, preference.confidence());
        assertEquals("judge-7b/unparsed", preference.provenance().judgeId());
        assertEquals(3, judge.requests());
        assertEquals(1, judge.unparsedAnswers());

        model = index -> new Reply(200, "{\"not\": \"a completion\"}", 0);
        FeedbackException e = assertThrows(FeedbackException.class,
                () -> judge(", \"max_retries\": 1", Map.of()).compare(List.of(GOOD_FIRST), CONTEXT));
        assertTrue(e.getMessage().contains("has no choices[0].message.content"), e.getMessage());
    }

    @Test
    void timeoutsAreRetriedAndFinallyReported() throws IOException {
        AtomicInteger slow = new AtomicInteger(1);
        model = index -> slow.getAndDecrement() > 0 ? new Reply(200, answer("A").body(), 1500) : answer("A");
        HttpJudgeSource judge = judge(", \"timeout_seconds\": 0.3", Map.of());
        long start = System.nanoTime();
        assertEquals(Choice.A, judge.compare(List.of(GOOD_FIRST), CONTEXT).get(0).better());
        assertEquals(2, judge.requests());
        assertTrue((System.nanoTime() - start) / 1e9 < 1.4, "the timed-out request was not abandoned");

        model = index -> new Reply(200, answer("A").body(), 1500);
        FeedbackException e = assertThrows(FeedbackException.class,
                () -> judge(", \"timeout_seconds\": 0.2, \"max_retries\": 1", Map.of()).compare(List.of(GOOD_FIRST), CONTEXT));
        assertTrue(e.getMessage().contains("failed 2 times") && e.getMessage().contains("HttpTimeoutException"), e.getMessage());
    }

    @Test
    void clientErrorsAreNotRetried() throws IOException {
        model = index -> new Reply(401, "{\"error\": \"bad key\"}", 0);
        HttpJudgeSource judge = judge("", Map.of());
        FeedbackException e = assertThrows(FeedbackException.class, () -> judge.compare(List.of(GOOD_FIRST), CONTEXT));
        assertTrue(e.getMessage().contains("HTTP 401") && e.getMessage().contains("bad key"), e.getMessage());
        assertEquals(1, judge.requests());
    }

    @Test
    void swapDebiasingKeepsAgreeingVerdictsAndTiesPositionBias() throws IOException {
        model = this::contentJudge;
        Preference consistent = judge(", \"swap_debias\": true", Map.of()).compare(List.of(GOOD_FIRST), CONTEXT).get(0);
        assertEquals(Choice.A, consistent.better());
        assertEquals(1.0, consistent.confidence());
        assertEquals("judge-7b/swap-debiased", consistent.provenance().judgeId());
        assertTrue(requests.get(1).path("messages").path(1).path("content").asText()
                .indexOf("It is a kettle.") < requests.get(1).path("messages").path(1).path("content").asText().indexOf("A good kettle"));

        model = index -> answer("A"); // always the first position
        List<Preference> biased = judge(", \"swap_debias\": true", Map.of()).compare(List.of(GOOD_FIRST, GOOD_FIRST.swapped()), CONTEXT);
        assertEquals(List.of(Choice.TIE, Choice.TIE), biased.stream().map(Preference::better).toList());
        assertEquals(0.0, biased.get(0).confidence());
    }

    @Test
    void aMissingApiKeyVariableFailsAtCreation() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> judge(", \"api_key_env\": \"NOT_SET_ANYWHERE\"", Map.of()));
        assertEquals("environment variable NOT_SET_ANYWHERE (named by api_key_env) is not set", e.getMessage());
    }

    @Test
    void recordedDefaults() throws IOException {
        HttpJudgeConfig config = org.rlhf4j.api.config.ConfigBinder.MAPPER.readValue(
                "{\"base_url\": \"http://h:1/\", \"model\": \"m\"}", HttpJudgeConfig.class);
        assertEquals(new HttpJudgeConfig("http://h:1", "m", null, HttpJudgeConfig.DEFAULT_SYSTEM_PROMPT,
                HttpJudgeConfig.DEFAULT_TEMPLATE, 30.0, 3, 500L, false, 0.0, 16), config);
        assertThrows(IllegalArgumentException.class, () -> new HttpJudgeConfig("ftp://x", "m", null, null, null, null, null, null, null, null, null));
        assertThrows(IllegalArgumentException.class, () -> new HttpJudgeConfig("http://x", "m", null, null, "{prompt} only", null, null, null, null, null, null));
    }
}
