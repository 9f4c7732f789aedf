package org.rlhf4j.feedback.ai.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rlhf4j.api.config.ConfigBinder;
import org.rlhf4j.api.feedback.Choice;
import org.rlhf4j.api.feedback.Comparison;
import org.rlhf4j.api.feedback.Completion;
import org.rlhf4j.api.feedback.FeedbackContext;
import org.rlhf4j.api.feedback.FeedbackException;
import org.rlhf4j.api.feedback.Preference;
import org.rlhf4j.api.feedback.Score;
import org.rlhf4j.api.plugin.PluginContext;
import org.rlhf4j.feedback.ai.judge.PositionDebias;

/** The judge against a real HTTP server on loopback that plays the judge model (no test leaves the machine). */
class TestHttpJudge {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final FeedbackContext CONTEXT = new FeedbackContext("arm", 0, 0);
    private static final Comparison GOOD_FIRST = new Comparison("Review the kettle.", "A good kettle, boils fast.", "It is a kettle.");

    /** What the fake model does with one request: HTTP status, body, delay and an optional Retry-After header. */
    private record Reply(int status, String body, long delayMillis, String retryAfter) {
        Reply(int status, String body, long delayMillis) {
            this(status, body, delayMillis, null);
        }
    }

    @TempDir
    Path tmp;

    private HttpServer server;
    private ExecutorService executor;
    private final List<JsonNode> requests = new ArrayList<>();
    private final List<String> authorizations = new CopyOnWriteArrayList<>();
    private final List<Long> arrivals = new CopyOnWriteArrayList<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();
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
        maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
        try {
            JsonNode request = JSON.readTree(exchange.getRequestBody());
            int index;
            synchronized (requests) {
                index = requests.size();
                requests.add(request);
            }
            arrivals.add(System.nanoTime());
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
            if (reply.retryAfter() != null) {
                exchange.getResponseHeaders().add("Retry-After", reply.retryAfter());
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
        finally {
            inFlight.decrementAndGet();
        }
    }

    private JsonNode request(int index) {
        synchronized (requests) {
            return requests.get(index);
        }
    }

    private String userMessage(int index) {
        return request(index).path("messages").path(1).path("content").asText();
    }

    private static Reply answer(String text) {
        String body = JSON.createObjectNode().set("choices", JSON.createArrayNode().add(JSON.createObjectNode()
                .set("message", JSON.createObjectNode().put("role", "assistant").put("content", text)))).toString();
        return new Reply(200, body, 0);
    }

    /** A model that prefers the response containing "good", wherever it is shown. */
    private Reply contentJudge(int index) {
        String user = userMessage(index);
        String a = user.substring(user.indexOf("[Response A]"), user.indexOf("[Response B]"));
        return answer(a.contains("good") ? "A" : "B");
    }

    private HttpJudgeSource judge(String extraJson, Map<String, String> env) throws IOException {
        String json = "{\"base_url\": \"http://127.0.0.1:" + server.getAddress().getPort() + "/\", \"model\": \"judge-7b\", "
                + "\"backoff_millis\": 1" + extraJson + "}";
        HttpJudgeConfig config = ConfigBinder.MAPPER.readValue(json, HttpJudgeConfig.class);
        return (HttpJudgeSource) new HttpJudgeFactory().create("http-judge", config,
                PluginContext.of(tmp, 0, env::get, Optional.empty()));
    }

    @Test
    void sendsAChatCompletionWithTheConstitutionAndReadsTheVerdict() throws IOException {
        model = this::contentJudge;
        try (HttpJudgeSource judge = judge(", \"api_key_env\": \"JUDGE_KEY\", \"max_concurrency\": 1", Map.of("JUDGE_KEY", "sk-test"))) {
            List<Preference> preferences = judge.compare(List.of(GOOD_FIRST, GOOD_FIRST.swapped()), CONTEXT);
            assertEquals(List.of(Choice.A, Choice.B), preferences.stream().map(Preference::better).toList());
            assertEquals(1.0, preferences.get(0).confidence());
            assertEquals("judge-7b", preferences.get(0).provenance().judgeId());
            assertEquals("http-judge", preferences.get(0).provenance().sourceType());
            JsonNode request = request(0);
            assertEquals("judge-7b", request.path("model").asText());
            assertEquals("system", request.path("messages").path(0).path("role").asText());
            String user = userMessage(0);
            assertTrue(user.contains("A good kettle, boils fast."), user);
            // the default constitution's helpfulness principles, numbered; not its harmlessness one
            assertTrue(user.contains("1. helpful: A helpful, specific response") && user.contains("2. fluent: "), user);
            assertFalse(user.contains("harmless:"), user);
            assertEquals(0.0, request.path("temperature").asDouble());
            assertEquals("Bearer sk-test", authorizations.get(0));
            assertEquals(2.0, judge.metrics().get("judge/judgements"));
            assertEquals(2.0, judge.metrics().get("judge/requests"));
        }
    }

    @Test
    void retriesAServerErrorThenSucceeds() throws IOException {
        AtomicInteger failures = new AtomicInteger(2);
        model = index -> failures.getAndDecrement() > 0 ? new Reply(500, "overloaded", 0) : answer("B");
        try (HttpJudgeSource judge = judge("", Map.of())) {
            assertEquals(Choice.B, judge.compare(List.of(GOOD_FIRST), CONTEXT).get(0).better());
            assertEquals(3, judge.stats().requests());
            assertEquals(2, judge.stats().retries());
            assertEquals("null", authorizations.get(0));
        }

        model = index -> new Reply(500, "down for maintenance", 0);
        try (HttpJudgeSource judge = judge(", \"max_retries\": 2", Map.of())) {
            FeedbackException e = assertThrows(FeedbackException.class, () -> judge.compare(List.of(GOOD_FIRST), CONTEXT));
            assertTrue(e.getMessage().contains("failed 3 times") && e.getMessage().contains("HTTP 500")
                    && e.getMessage().contains("down for maintenance"), e.getMessage());
            assertEquals(3, judge.stats().requests());
        }
    }

    @Test
    void tooManyRequestsWaitsAsLongAsRetryAfterSays() throws IOException {
        AtomicInteger limited = new AtomicInteger(1);
        model = index -> limited.getAndDecrement() > 0 ? new Reply(429, "{\"error\": \"rate limit\"}", 0, "1") : answer("A");
        try (HttpJudgeSource judge = judge("", Map.of())) {
            assertEquals(Choice.A, judge.compare(List.of(GOOD_FIRST), CONTEXT).get(0).better());
            assertEquals(2, judge.stats().requests());
            double waited = (arrivals.get(1) - arrivals.get(0)) / 1e9;
            // backoff_millis is 1: only Retry-After explains a wait of a second
            assertTrue(waited >= 0.95 && waited < 5, "waited " + waited + " s");
        }
        assertEquals(1000, ChatCompletionsClient.retryAfter("1").orElseThrow().toMillis());
        assertTrue(ChatCompletionsClient.retryAfter("Wed, 21 Oct 2015 07:28:00 GMT").orElseThrow().isZero());
        assertTrue(ChatCompletionsClient.retryAfter("soon").isEmpty());
    }

    @Test
    void unparseableVerdictsAreRetriedThenDroppedNeverGuessed() throws IOException {
        model = index -> answer("I like turtles");
        try (HttpJudgeSource judge = judge(", \"max_retries\": 2", Map.of())) {
            Preference preference = judge.compare(List.of(GOOD_FIRST), CONTEXT).get(0);
            assertEquals(Choice.TIE, preference.better());
            assertEquals(0.0, preference.confidence());
            assertEquals("judge-7b/unparsed", preference.provenance().judgeId());
            assertEquals(3, judge.stats().requests());
            assertEquals(1.0, judge.metrics().get("judge/unparsed"));
        }
        // a pointwise reward cannot be dropped from a batch of rewards: the batch fails instead of guessing
        try (HttpJudgeSource judge = judge(", \"mode\": \"pointwise\", \"max_retries\": 1", Map.of())) {
            FeedbackException e = assertThrows(FeedbackException.class,
                    () -> judge.score(List.of(GOOD_FIRST.completionA()), CONTEXT));
            assertTrue(e.getMessage().contains("no readable rating") && e.getMessage().contains("never guessed"), e.getMessage());
        }
        // the second attempt is readable: retried, not dropped
        AtomicInteger confused = new AtomicInteger(1);
        model = index -> answer(confused.getAndDecrement() > 0 ? "hmm" : "[[B]]");
        try (HttpJudgeSource judge = judge("", Map.of())) {
            assertEquals(Choice.B, judge.compare(List.of(GOOD_FIRST), CONTEXT).get(0).better());
            assertEquals(0.0, judge.metrics().get("judge/unparsed"));
            assertEquals(1.0, judge.metrics().get("judge/retries"));
        }

        model = index -> new Reply(200, "{\"not\": \"a completion\"}", 0);
        try (HttpJudgeSource judge = judge(", \"max_retries\": 1", Map.of())) {
            FeedbackException e = assertThrows(FeedbackException.class, () -> judge.compare(List.of(GOOD_FIRST), CONTEXT));
            assertTrue(e.getMessage().contains("has no choices[0].message.content"), e.getMessage());
        }
    }

    @Test
    void aReplySlowerThanTheTimeoutIsAbandonedAndRetried() throws IOException {
        AtomicInteger slow = new AtomicInteger(1);
        model = index -> slow.getAndDecrement() > 0 ? new Reply(200, answer("A").body(), 1500) : answer("A");
        try (HttpJudgeSource judge = judge(", \"timeout_seconds\": 0.3", Map.of())) {
            long start = System.nanoTime();
            assertEquals(Choice.A, judge.compare(List.of(GOOD_FIRST), CONTEXT).get(0).better());
            assertEquals(2, judge.stats().requests());
            assertTrue((System.nanoTime() - start) / 1e9 < 1.4, "the timed-out request was not abandoned");
        }

        model = index -> new Reply(200, answer("A").body(), 1500);
        try (HttpJudgeSource judge = judge(", \"timeout_seconds\": 0.2, \"max_retries\": 1", Map.of())) {
            FeedbackException e = assertThrows(FeedbackException.class, () -> judge.compare(List.of(GOOD_FIRST), CONTEXT));
            assertTrue(e.getMessage().contains("failed 2 times") && e.getMessage().contains("HttpTimeoutException"), e.getMessage());
        }
    }

    @Test
    void clientErrorsAreNotRetried() throws IOException {
        model = index -> new Reply(401, "{\"error\": \"bad key\"}", 0);
        try (HttpJudgeSource judge = judge("", Map.of())) {
            FeedbackException e = assertThrows(FeedbackException.class, () -> judge.compare(List.of(GOOD_FIRST), CONTEXT));
            assertTrue(e.getMessage().contains("HTTP 401") && e.getMessage().contains("bad key"), e.getMessage());
            assertEquals(1, judge.stats().requests());
        }
    }

    @Test
    void theConcurrencyLimitIsHeld() throws IOException {
        model = index -> new Reply(200, answer("A").body(), 150);
        List<Comparison> batch = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            batch.add(new Comparison("Review " + i, "good " + i, "bad " + i));
        }
        try (HttpJudgeSource judge = judge(", \"max_concurrency\": 3", Map.of())) {
            long start = System.nanoTime();
            List<Preference> preferences = judge.compare(batch, CONTEXT);
            double seconds = (System.nanoTime() - start) / 1e9;
            assertEquals(12, preferences.size());
            // answered in input order although asked in parallel
            for (int i = 0; i < 12; i++) {
                assertEquals("Review " + i, preferences.get(i).comparison().prompt());
            }
            assertEquals(3, maxInFlight.get(), "requests in flight at once");
            // 12 requests of 0.15 s, 3 at a time: 4 rounds, not 12
            assertTrue(seconds >= 0.55 && seconds < 1.5, seconds + " s");
        }
    }

    @Test
    void judgingBothOrdersSendsTheResponsesSwapped() throws IOException {
        model = this::contentJudge;
        try (HttpJudgeSource judge = judge(", \"position_debias\": \"consistent\", \"max_concurrency\": 1", Map.of())) {
            Preference consistent = judge.compare(List.of(GOOD_FIRST), CONTEXT).get(0);
            assertEquals(Choice.A, consistent.better());
            assertEquals(1.0, consistent.confidence());
            assertEquals("judge-7b/both-orders", consistent.provenance().judgeId());
            String first = userMessage(0);
            String second = userMessage(1);
            assertTrue(first.indexOf("A good kettle") < first.indexOf("It is a kettle."), first);
            assertTrue(second.indexOf("It is a kettle.") < second.indexOf("A good kettle"), second);
            assertEquals(first.replace("A good kettle, boils fast.", "@").replace("It is a kettle.", "A good kettle, boils fast.")
                    .replace("@", "It is a kettle."), second);
            assertEquals(1.0, judge.metrics().get("judge/self_consistency"));
        }
    }

    @Test
    void inconsistentVerdictsAreHandledAsConfigured() throws IOException {
        model = index -> answer("A"); // always the first position: pure position bias
        List<Comparison> pair = List.of(GOOD_FIRST, GOOD_FIRST.swapped());
        try (HttpJudgeSource judge = judge(", \"position_debias\": \"consistent\"", Map.of())) {
            List<Preference> kept = judge.compare(pair, CONTEXT);
            assertEquals(List.of(Choice.TIE, Choice.TIE), kept.stream().map(Preference::better).toList());
            assertEquals(List.of(0.0, 0.0), kept.stream().map(Preference::confidence).toList());
            assertEquals(0.0, judge.metrics().get("judge/self_consistency"));
            assertEquals(2.0, judge.metrics().get("judge/both_orders"));
        }
        try (HttpJudgeSource judge = judge(", \"position_debias\": \"average\"", Map.of())) {
            List<Preference> averaged = judge.compare(pair, CONTEXT);
            assertEquals(List.of(Choice.TIE, Choice.TIE), averaged.stream().map(Preference::better).toList());
            assertEquals(List.of(0.5, 0.5), averaged.stream().map(Preference::confidence).toList());
        }
        try (HttpJudgeSource judge = judge("", Map.of())) {
            // without debiasing the bias goes straight into the labels
            assertEquals(List.of(Choice.A, Choice.A), judge.compare(pair, CONTEXT).stream().map(Preference::better).toList());
        }
        assertEquals(new PositionDebias.Verdict(Choice.A, 0.75), PositionDebias.AVERAGE.combine(Choice.A, Choice.TIE));
        assertEquals(new PositionDebias.Verdict(Choice.B, 1.0), PositionDebias.AVERAGE.combine(Choice.B, Choice.B));
    }

    @Test
    void pointwiseRatesEachResponseForHelpfulnessAndSeparatelyForHarm() throws IOException {
        model = index -> {
            String user = userMessage(index);
            String response = user.substring(user.indexOf("[Response]"));
            if (user.contains("how harmful")) {
                return answer(response.contains("idiot") ? "Harm: [[8]]" : "[[0]]");
            }
            return answer(response.contains("good") ? "Rating: [[9]]" : "[[4]]");
        };
        try (HttpJudgeSource judge = judge(", \"mode\": \"pointwise\", \"harmlessness\": true", Map.of())) {
            assertTrue(judge.givesScores());
            assertTrue(judge.judgesSafety());
            List<Score> scores = judge.score(List.of(new Completion("Review it.", "A good kettle."),
                    new Completion("Review it.", "Only an idiot buys this.")), CONTEXT);
            assertEquals(9.0, scores.get(0).reward());
            assertEquals(4.0, scores.get(1).reward());
            assertEquals(0.0, scores.get(0).cost().getAsDouble());
            assertEquals(0.8, scores.get(1).cost().getAsDouble(), 1e-12);
            Preference preference = judge.compare(List.of(new Comparison("Review it.", "Only an idiot buys this.", "A good kettle.")),
                    CONTEXT).get(0);
            assertEquals(Choice.B, preference.better());
            assertEquals(1 / (1 + Math.exp(-5)), preference.confidence(), 1e-12);
            assertEquals(Choice.B, preference.safety().orElseThrow().safer());
            assertEquals(Optional.of(false), preference.safety().orElseThrow().responseASafe());
            // 2 helpfulness and 2 harm questions for the scores, as many for the comparison, all asked in parallel
            assertEquals(8, requests.size());
            assertEquals(4, java.util.stream.IntStream.range(0, 8).filter(i -> userMessage(i).contains("from 1 (worst) to 10 (best)")).count());
        }
        // pairwise harmlessness: a second question, "which is less harmful", with the harmlessness principles
        model = index -> answer(userMessage(index).contains("less harmful") ? "B" : "A");
        int before = requests.size();
        try (HttpJudgeSource judge = judge(", \"harmlessness\": true, \"max_concurrency\": 1", Map.of())) {
            Preference preference = judge.compare(List.of(GOOD_FIRST), CONTEXT).get(0);
            assertEquals(Choice.A, preference.better());
            assertEquals(Choice.B, preference.safety().orElseThrow().safer());
            assertTrue(userMessage(before + 1).contains("1. harmless: A kind, polite response, e.g. thank you, that is helpful."), userMessage(before + 1));
            assertFalse(judge.givesScores());
        }
    }

    @Test
    void aRerunIsAnsweredFromTheCache() throws IOException {
        model = this::contentJudge;
        String config = ", \"cache\": \"cache/judge.jsonl\", \"position_debias\": \"consistent\"";
        List<Comparison> batch = List.of(GOOD_FIRST, GOOD_FIRST.swapped(), new Comparison("p", "good", "bad"));
        List<Preference> first;
        try (HttpJudgeSource judge = judge(config, Map.of())) {
            first = judge.compare(batch, CONTEXT);
            assertEquals(6.0, judge.metrics().get("judge/requests"));
            assertEquals(0.0, judge.metrics().get("judge/cache_hits"));
        }
        int sent = requests.size();
        try (HttpJudgeSource judge = judge(config, Map.of())) {
            List<Preference> again = judge.compare(batch, CONTEXT);
            assertEquals(first.stream().map(Preference::better).toList(), again.stream().map(Preference::better).toList());
            assertEquals(6.0, judge.metrics().get("judge/judgements"));
            assertEquals(6.0, judge.metrics().get("judge/cache_hits"));
            assertEquals(0.0, judge.metrics().get("judge/requests"));
        }
        assertEquals(sent, requests.size(), "the rerun sent nothing");
        // another model (or template, or constitution) is another key
        try (HttpJudgeSource judge = judge(config + ", \"template\": \"Better? {response_a} or {response_b}: [Response A] x [Response B]\"",
                Map.of())) {
            judge.compare(List.of(GOOD_FIRST), CONTEXT);
            assertEquals(0.0, judge.metrics().get("judge/cache_hits"));
        }
    }

    @Test
    void aMissingApiKeyVariableFailsAtCreation() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> judge(", \"api_key_env\": \"NOT_SET_ANYWHERE\"", Map.of()));
        assertEquals("environment variable NOT_SET_ANYWHERE (named by api_key_env) is not set", e.getMessage());
    }

    @Test
    void recordedDefaults() throws IOException {
        HttpJudgeConfig config = ConfigBinder.MAPPER.readValue("{\"base_url\": \"http://h:1/\", \"model\": \"m\"}", HttpJudgeConfig.class);
        assertEquals(new HttpJudgeConfig("http://h:1", "m", null, HttpJudgeConfig.DEFAULT_SYSTEM_PROMPT, HttpJudgeConfig.Mode.PAIRWISE,
                false, null, null, HttpJudgeConfig.DEFAULT_TEMPLATE, HttpJudgeConfig.DEFAULT_HARMLESSNESS_TEMPLATE,
                HttpJudgeConfig.DEFAULT_POINTWISE_TEMPLATE, HttpJudgeConfig.DEFAULT_POINTWISE_HARMLESSNESS_TEMPLATE, PositionDebias.NONE,
                1, 10, 30.0, 3, 500L, 60.0, 4, 0.0, 16, null, null), config);
        Exception e = assertThrows(Exception.class, () -> ConfigBinder.MAPPER.readValue(
                "{\"base_url\": \"http://h:1/\", \"model\": \"m\", \"template\": \"{prompt} only\"}", HttpJudgeConfig.class));
        assertEquals("template must contain {response_a} and {response_b}", e.getCause().getMessage());
        assertThrows(Exception.class, () -> ConfigBinder.MAPPER.readValue(
                "{\"base_url\": \"ftp://x\", \"model\": \"m\"}", HttpJudgeConfig.class));
        assertThrows(Exception.class, () -> ConfigBinder.MAPPER.readValue(
                "{\"base_url\": \"http://x\", \"model\": \"m\", \"mode\": \"pointwise\", \"position_debias\": \"average\"}",
                HttpJudgeConfig.class));
        assertEquals("{response_b} stays; kettle",
                HttpJudgeConfig.render("{response_a}; {prompt}", Map.of("response_a", "{response_b} stays", "prompt", "kettle")));
    }
}
