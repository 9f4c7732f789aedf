package org.rlhf4j.feedback.ai.http;

/**
 * Settings of {@code http-judge}, an OpenAI-compatible chat-completions judge.
 *
 * @param baseUrl the server, e.g. {@code http://127.0.0.1:8000}; requests go to {@code {base_url}/v1/chat/completions}
 * @param model the model name sent in each request
 * @param apiKeyEnv the environment variable holding the API key (sent as a bearer token); none by default
 * @param systemPrompt the system message (default {@link #DEFAULT_SYSTEM_PROMPT})
 * @param template the user message, with {@code {prompt}}, {@code {response_a}} and {@code {response_b}}
 *     (default {@link #DEFAULT_TEMPLATE})
 * @param timeoutSeconds the timeout of one request (default 30)
 * @param maxRetries retries after a failed request, a 429/5xx status or an unparseable answer (default 3)
 * @param backoffMillis the wait before the first retry, doubled for each further one (default 500)
 * @param swapDebias ask twice with A and B swapped and keep the answer only when both agree, else tie
 *     (default false)
 * @param temperature the sampling temperature sent to the model (default 0)
 * @param maxTokens the answer length limit sent to the model (default 16)
 */
public record HttpJudgeConfig(
        String baseUrl,
        String model,
        String apiKeyEnv,
        String systemPrompt,
        String template,
        Double timeoutSeconds,
        Integer maxRetries,
        Long backoffMillis,
        Boolean swapDebias,
        Double temperature,
        Integer maxTokens) {
    public static final String DEFAULT_SYSTEM_PROMPT =
            "You are a careful judge of AI assistant responses. Answer with a single token: A, B or tie.";
    public static final String DEFAULT_TEMPLATE = """
            Which response to the prompt is better: more helpful, more honest and more harmless?

            [Prompt]
            {prompt}

            [Response A]
            {response_a}

            [Response B]
            {response_b}

            Answer with exactly one of: A, B, tie.""";

    public HttpJudgeConfig {
        if (baseUrl == null || !(baseUrl.startsWith("http://") || baseUrl.startsWith("https://"))) {
            throw new IllegalArgumentException("base_url must be an http:// or https:// URL, got " + baseUrl);
        }
        baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        if (model == null || model.isBlank()) {
            throw new IllegalArgumentException("missing 'model'");
        }
        systemPrompt = systemPrompt == null ? DEFAULT_SYSTEM_PROMPT : systemPrompt;
        template = template == null ? DEFAULT_TEMPLATE : template;
        if (!template.contains("{response_a}") || !template.contains("{response_b}")) {
            throw new IllegalArgumentException("template must contain {response_a} and {response_b}");
        }
        timeoutSeconds = timeoutSeconds == null ? 30.0 : timeoutSeconds;
        if (!(timeoutSeconds > 0)) {
            throw new IllegalArgumentException("timeout_seconds must be > 0, got " + timeoutSeconds);
        }
        maxRetries = maxRetries == null ? 3 : maxRetries;
        if (maxRetries < 0) {
            throw new IllegalArgumentException("max_retries must be >= 0, got " + maxRetries);
        }
        backoffMillis = backoffMillis == null ? 500L : backoffMillis;
        if (backoffMillis < 0) {
            throw new IllegalArgumentException("backoff_millis must be >= 0, got " + backoffMillis);
        }
        swapDebias = swapDebias != null && swapDebias;
        temperature = temperature == null ? 0.0 : temperature;
        maxTokens = maxTokens == null ? 16 : maxTokens;
        if (maxTokens < 1) {
            throw new IllegalArgumentException("max_tokens must be >= 1, got " + maxTokens);
        }
    }

    /** The user message for one comparison. */
    public String render(String prompt, String responseA, String responseB) {
        return template.replace("{prompt}", prompt).replace("{response_a}", responseA).replace("{response_b}", responseB);
    }
}
