package org.rlhf4j.feedback.ai.http;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/** Calls to an OpenAI-compatible {@code /v1/chat/completions} endpoint. Thread-safe. */
final class ChatCompletionsClient {
    /** A reply the caller may retry: a 429 or 5xx status (with the server's {@code Retry-After}, if any), or no answer. */
    static final class RetryableException extends IOException {
        private static final long serialVersionUID = 1L;
        private final transient Optional<Duration> retryAfter;

        RetryableException(String message, Optional<Duration> retryAfter) {
            super(message);
            this.retryAfter = retryAfter;
        }

        /** How long the server asked the client to wait. */
        Optional<Duration> retryAfter() {
            return retryAfter;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient client;
    private final URI endpoint;
    private final HttpJudgeConfig config;
    private final Optional<String> apiKey;

    ChatCompletionsClient(HttpJudgeConfig config, Optional<String> apiKey) {
        this.config = requireNonNull(config, "config is null");
        this.apiKey = requireNonNull(apiKey, "apiKey is null");
        this.endpoint = URI.create(config.baseUrl() + "/v1/chat/completions");
        this.client = HttpClient.newBuilder()
                .connectTimeout(Duration.ofMillis((long) (config.timeoutSeconds() * 1000)))
                .build();
    }

    URI endpoint() {
        return endpoint;
    }

    /**
     * Sends the system prompt and one user message and returns the model's answer text.
     *
     * @throws RetryableException on a 429 or 5xx status and on a reply without an answer
     * @throws IOException on network failures and timeouts (retryable too)
     * @throws IllegalStateException on other statuses (a bad request, a bad key: retrying cannot help)
     */
    String complete(String userMessage) throws IOException, InterruptedException {
        ObjectNode body = JSON.createObjectNode();
        body.put("model", config.model());
        body.putArray("messages")
                .add(JSON.createObjectNode().put("role", "system").put("content", config.systemPrompt()))
                .add(JSON.createObjectNode().put("role", "user").put("content", userMessage));
        body.put("temperature", config.temperature());
        body.put("max_tokens", config.maxTokens());
        HttpRequest.Builder request = HttpRequest.newBuilder(endpoint)
                .timeout(Duration.ofMillis((long) (config.timeoutSeconds() * 1000)))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        apiKey.ifPresent(key -> request.header("Authorization", "Bearer " + key));
        HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        int status = response.statusCode();
        if (status == 429 || status >= 500) {
            throw new RetryableException("HTTP " + status + " from " + endpoint + ": " + excerpt(response.body()),
                    response.headers().firstValue("Retry-After").flatMap(ChatCompletionsClient::retryAfter));
        }
        if (status != 200) {
            throw new IllegalStateException("HTTP " + status + " from " + endpoint + ": " + excerpt(response.body()));
        }
        JsonNode content;
        try {
            content = JSON.readTree(response.body()).path("choices").path(0).path("message").path("content");
        }
        catch (IOException e) {
            throw new RetryableException("reply from " + endpoint + " is not JSON: " + excerpt(response.body()), Optional.empty());
        }
        if (!content.isTextual()) {
            throw new RetryableException("reply from " + endpoint + " has no choices[0].message.content: " + excerpt(response.body()),
                    Optional.empty());
        }
        return content.asText();
    }

    /** A {@code Retry-After} value: delay-seconds or an HTTP date (RFC 9110); empty when it is neither. */
    static Optional<Duration> retryAfter(String value) {
        String text = value.strip();
        try {
            return Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(text))));
        }
        catch (NumberFormatException e) {
            try {
                Duration wait = Duration.between(ZonedDateTime.now(), ZonedDateTime.parse(text, DateTimeFormatter.RFC_1123_DATE_TIME));
                return Optional.of(wait.isNegative() ? Duration.ZERO : wait);
            }
            catch (DateTimeParseException notADate) {
                return Optional.empty();
            }
        }
    }

    private static String excerpt(String text) {
        String flat = text == null ? "" : text.replaceAll("\\s+", " ");
        return flat.length() > 200 ? flat.substring(0, 197) + "..." : flat;
    }
}
