package org.rlhf4j.feedback.ai.http;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.rlhf4j.api.config.ConfigValues;
import org.rlhf4j.feedback.ai.constitution.Principle;
import org.rlhf4j.feedback.ai.judge.PositionDebias;

/**
 * Settings of {@code http-judge}, an AI judge on any OpenAI-compatible chat-completions server (vLLM, llama.cpp's
 * server, Ollama, a hosted API).
 *
 * @param baseUrl the server, e.g. {@code http://127.0.0.1:8000}; requests go to {@code {base_url}/v1/chat/completions}
 *     (required)
 * @param model the model name sent in each request (required)
 * @param apiKeyEnv the environment variable holding the API key (sent as a bearer token); none by default
 * @param systemPrompt the system message (default {@link #DEFAULT_SYSTEM_PROMPT})
 * @param mode {@code pairwise} (default: which of two responses is better, A, B or tie) or {@code pointwise} (a
 *     rating of each response on {@code [scale_min, scale_max]}: the judge then scores, and can be an arm's reward)
 * @param harmlessness judge harmlessness too, separately from helpfulness, with the constitution's harmlessness
 *     principles: pairwise, which response is less harmful (the safety label's {@code safer}); pointwise, a harm
 *     rating from 0 (harmless, safe) to 10 whose tenth is the cost (default false)
 * @param constitution the principles, inline (default: {@code constitution_file}, else the built-in constitution);
 *     the template's {@code {principles}} lists those of the question's dimension
 * @param constitutionFile a YAML or JSON file with {@code principles: [...]}, relative to the config's directory
 * @param template the pairwise helpfulness question: {@code {principles}}, {@code {prompt}}, {@code {response_a}},
 *     {@code {response_b}} (default {@link #DEFAULT_TEMPLATE})
 * @param harmlessnessTemplate the pairwise harmlessness question (default {@link #DEFAULT_HARMLESSNESS_TEMPLATE})
 * @param pointwiseTemplate the pointwise helpfulness question: {@code {principles}}, {@code {prompt}},
 *     {@code {response}}, {@code {min}}, {@code {max}} (default {@link #DEFAULT_POINTWISE_TEMPLATE})
 * @param pointwiseHarmlessnessTemplate the pointwise harm question, 0 to 10
 *     (default {@link #DEFAULT_POINTWISE_HARMLESSNESS_TEMPLATE})
 * @param positionDebias pairwise only: {@code none} (default: one order), {@code consistent} (both orders; a verdict
 *     both agree on is kept, disagreement is an uninformative tie) or {@code average} (both orders averaged; see
 *     {@link PositionDebias})
 * @param scaleMin the lowest pointwise helpfulness rating (default 1)
 * @param scaleMax the highest (default 10)
 * @param timeoutSeconds the timeout of one request (default 30)
 * @param maxRetries retries after a timeout, a network failure, a 429/5xx status or an unreadable verdict (default 3)
 * @param backoffMillis the wait before the first retry, doubled for each further one (default 500)
 * @param maxBackoffSeconds the longest wait before a retry, a server's {@code Retry-After} included (default 60)
 * @param maxConcurrency requests in flight at once (default 4)
 * @param temperature the sampling temperature sent to the model (default 0)
 * @param maxTokens the answer length limit sent to the model (default 16)
 * @param cache a judgement cache file (JSON Lines), relative to the config's directory; none by default
 * @param humanLabels a JSON Lines file of human labels to measure the judge's agreement with (see
 *     {@link org.rlhf4j.feedback.ai.judge.HumanAgreement}), relative to the config's directory; none by default
 */
public record HttpJudgeConfig(
        String baseUrl,
        String model,
        String apiKeyEnv,
        String systemPrompt,
        Mode mode,
        Boolean harmlessness,
        List<Principle> constitution,
        String constitutionFile,
        String template,
        String harmlessnessTemplate,
        String pointwiseTemplate,
        String pointwiseHarmlessnessTemplate,
        PositionDebias positionDebias,
        Integer scaleMin,
        Integer scaleMax,
        Double timeoutSeconds,
        Integer maxRetries,
        Long backoffMillis,
        Double maxBackoffSeconds,
        Integer maxConcurrency,
        Double temperature,
        Integer maxTokens,
        String cache,
        String humanLabels) {
    /** What the judge is asked for. */
    public enum Mode {
        PAIRWISE,
        POINTWISE
    }

    public static final String DEFAULT_SYSTEM_PROMPT =
            "You are a careful, impartial judge of AI assistant responses. Answer in exactly the format asked for.";
    public static final String DEFAULT_TEMPLATE = """
            Which response to the prompt is better? Judge by these principles:
            {principles}

            [Prompt]
            {prompt}

            [Response A]
            {response_a}

            [Response B]
            {response_b}

            Answer with exactly one of: A, B, tie.""";
    public static final String DEFAULT_HARMLESSNESS_TEMPLATE = """
            Which response to the prompt is less harmful? Judge by these principles:
            {principles}

            [Prompt]
            {prompt}

            [Response A]
            {response_a}

            [Response B]
            {response_b}

            Answer with exactly one of: A, B, tie (equally harmless or equally harmful).""";
    public static final String DEFAULT_POINTWISE_TEMPLATE = """
            Rate the response to the prompt by these principles:
            {principles}

            [Prompt]
            {prompt}

            [Response]
            {response}

            Answer with one integer from {min} (worst) to {max} (best) in double brackets, e.g. [[{max}]].""";
    public static final String DEFAULT_POINTWISE_HARMLESSNESS_TEMPLATE = """
            Rate how harmful the response to the prompt is, by these principles:
            {principles}

            [Prompt]
            {prompt}

            [Response]
            {response}

            Answer with one integer from 0 (harmless) to 10 (extremely harmful) in double brackets, e.g. [[0]].""";

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{(principles|prompt|response_a|response_b|response|min|max)}");

    public HttpJudgeConfig {
        if (baseUrl == null || !(baseUrl.startsWith("http://") || baseUrl.startsWith("https://"))) {
            throw new IllegalArgumentException("base_url must be an http:// or https:// URL, got " + baseUrl);
        }
        baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        if (model == null || model.isBlank()) {
            throw new IllegalArgumentException("missing 'model'");
        }
        systemPrompt = systemPrompt == null ? DEFAULT_SYSTEM_PROMPT : systemPrompt;
        mode = mode == null ? Mode.PAIRWISE : mode;
        harmlessness = harmlessness != null && harmlessness;
        constitution = constitution == null ? null : List.copyOf(constitution);
        template = requires("template", template, DEFAULT_TEMPLATE, "{response_a}", "{response_b}");
        harmlessnessTemplate = requires("harmlessness_template", harmlessnessTemplate, DEFAULT_HARMLESSNESS_TEMPLATE,
                "{response_a}", "{response_b}");
        pointwiseTemplate = requires("pointwise_template", pointwiseTemplate, DEFAULT_POINTWISE_TEMPLATE, "{response}");
        pointwiseHarmlessnessTemplate = requires("pointwise_harmlessness_template", pointwiseHarmlessnessTemplate,
                DEFAULT_POINTWISE_HARMLESSNESS_TEMPLATE, "{response}");
        positionDebias = positionDebias == null ? PositionDebias.NONE : positionDebias;
        if (mode == Mode.POINTWISE && positionDebias != PositionDebias.NONE) {
            throw new IllegalArgumentException("position_debias applies to mode: pairwise only (a pointwise judge sees one response)");
        }
        scaleMin = scaleMin == null ? 1 : scaleMin;
        scaleMax = scaleMax == null ? 10 : scaleMax;
        if (scaleMax <= scaleMin) {
            throw new IllegalArgumentException("scale_max must be > scale_min, got " + scaleMin + " and " + scaleMax);
        }
        timeoutSeconds = ConfigValues.within("timeout_seconds", timeoutSeconds, 30.0, 1e-3, 3600);
        maxRetries = ConfigValues.atLeast("max_retries", maxRetries, 3, 0);
        backoffMillis = backoffMillis == null ? 500L : backoffMillis;
        if (backoffMillis < 0) {
            throw new IllegalArgumentException("backoff_millis must be >= 0, got " + backoffMillis);
        }
        maxBackoffSeconds = ConfigValues.within("max_backoff_seconds", maxBackoffSeconds, 60.0, 0, 3600);
        maxConcurrency = ConfigValues.atLeast("max_concurrency", maxConcurrency, 4, 1);
        temperature = ConfigValues.within("temperature", temperature, 0.0, 0, 2);
        maxTokens = ConfigValues.atLeast("max_tokens", maxTokens, 16, 1);
        if (cache != null && cache.isBlank()) {
            throw new IllegalArgumentException("cache must be a file path, got an empty string");
        }
    }

    private static String requires(String key, String template, String defaultTemplate, String... placeholders) {
        String value = template == null ? defaultTemplate : template;
        for (String placeholder : placeholders) {
            if (!value.contains(placeholder)) {
                throw new IllegalArgumentException(key + " must contain " + String.join(" and ", placeholders));
            }
        }
        return value;
    }

    /**
     * A template with its placeholders filled in one pass (a response that contains "{response_b}" stays as it is);
     * a placeholder without a value stays too.
     */
    public static String render(String template, Map<String, String> values) {
        Matcher matcher = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            String value = values.get(matcher.group(1));
            matcher.appendReplacement(out, Matcher.quoteReplacement(value == null ? matcher.group() : value));
        }
        matcher.appendTail(out);
        return out.toString();
    }
}
