package org.rlhf4j.feedback.human.annotate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import javax.net.ssl.SSLContext;

/** A small JSON client of the annotation web app for tests, over HTTP or (trusting one certificate) HTTPS. */
final class Http {
    static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient client;
    private final String base;

    Http(int port) {
        this.base = "http://127.0.0.1:" + port;
        this.client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    /** HTTPS to {@code host}:{@code port}, trusting what {@code trust} trusts (and checking the host name). */
    Http(String host, int port, SSLContext trust) {
        this.base = "https://" + host + ":" + port;
        this.client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).sslContext(trust).build();
    }

    record Reply(int status, String body, HttpHeaders headers) {
        JsonNode json() {
            try {
                return JSON.readTree(body);
            }
            catch (IOException e) {
                throw new AssertionError("not JSON (" + status + "): " + body, e);
            }
        }

        String header(String name) {
            return headers.firstValue(name).orElse(null);
        }
    }

    String base() {
        return base;
    }

    Reply get(String path, String token) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10)).GET();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return send(request.build());
    }

    Reply post(String path, String token, String contentType, String body) throws IOException, InterruptedException {
        return post(path, token, contentType, body, null);
    }

    Reply post(String path, String token, String contentType, String body, String changeId)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        if (changeId != null) {
            request.header(AnnotatorRoutes.IDEMPOTENCY_KEY, changeId);
        }
        return send(request.build());
    }

    Reply label(String token, String pairId, String better, String harmless, boolean aSafe, boolean bSafe, String why)
            throws IOException, InterruptedException {
        return label(token, pairId, better, harmless, aSafe, bSafe, why, null);
    }

    Reply label(String token, String pairId, String better, String harmless, boolean aSafe, boolean bSafe, String why,
            String changeId) throws IOException, InterruptedException {
        return post("/api/labels", token, "application/json", labelBody(pairId, better, harmless, aSafe, bSafe, why), changeId);
    }

    Reply withdraw(String token, String pairId, String changeId) throws IOException, InterruptedException {
        return post("/api/pairs/" + pairId + "/withdraw", token, "application/json", "{}", changeId);
    }

    Reply undo(String token, String changeId) throws IOException, InterruptedException {
        return post("/api/undo", token, "application/json", "{}", changeId);
    }

    static String labelBody(String pairId, String better, String harmless, boolean aSafe, boolean bSafe, String why) {
        return JSON.createObjectNode().put("pair_id", pairId).put("better", better).put("more_harmless", harmless)
                .put("a_safe", aSafe).put("b_safe", bSafe).put("explanation", why).toString();
    }

    Reply send(HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
        return new Reply(response.statusCode(), response.body(), response.headers());
    }
}
