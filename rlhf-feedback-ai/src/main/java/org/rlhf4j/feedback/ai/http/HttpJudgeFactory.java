package org.rlhf4j.feedback.ai.http;

import java.util.Optional;
import org.rlhf4j.api.feedback.FeedbackSource;
import org.rlhf4j.api.feedback.FeedbackSourceFactory;
import org.rlhf4j.api.plugin.PluginContext;

/** The {@code http-judge} type. */
public final class HttpJudgeFactory implements FeedbackSourceFactory<HttpJudgeConfig> {
    public static final String TYPE = "http-judge";

    @Override
    public String description() {
        return "AI judge over an OpenAI-compatible chat-completions API (retries, timeout, A/B swap debiasing)";
    }

    @Override
    public Class<HttpJudgeConfig> configClass() {
        return HttpJudgeConfig.class;
    }

    @Override
    public FeedbackSource create(String type, HttpJudgeConfig config, PluginContext context) {
        Optional<String> apiKey = Optional.empty();
        if (config.apiKeyEnv() != null) {
            apiKey = Optional.of(context.env(config.apiKeyEnv()).orElseThrow(() -> new IllegalArgumentException(
                    "environment variable " + config.apiKeyEnv() + " (named by api_key_env) is not set")));
        }
        return new HttpJudgeSource(type, config, apiKey);
    }
}
