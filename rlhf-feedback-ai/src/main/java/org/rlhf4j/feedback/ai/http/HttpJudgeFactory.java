package org.rlhf4j.feedback.ai.http;

import java.util.Optional;
import org.rlhf4j.api.feedback.FeedbackSource;
import org.rlhf4j.api.feedback.FeedbackSourceFactory;
import org.rlhf4j.api.plugin.PluginContext;
import org.rlhf4j.feedback.ai.constitution.Constitution;
import org.rlhf4j.feedback.ai.judge.GoldAudit;
import org.rlhf4j.feedback.ai.judge.HumanAgreement;

/** The {@code http-judge} type. */
public final class HttpJudgeFactory implements FeedbackSourceFactory<HttpJudgeConfig> {
    public static final String TYPE = "http-judge";

    @Override
    public String description() {
        return "AI judge on any OpenAI-compatible chat-completions server: constitution, pairwise or pointwise, position debiasing, cache";
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
        Constitution constitution = Constitution.of(config.constitution(), config.constitutionFile(), context);
        return new HttpJudgeSource(type, config, constitution, apiKey, Optional.ofNullable(config.cache()).map(context::resolve),
                GoldAudit.of(context), config.humanLabels() == null ? HumanAgreement.none()
                        : HumanAgreement.read(context.resolve(config.humanLabels())));
    }
}
