package org.rlhf4j.feedback.ai.rule;

import org.rlhf4j.api.feedback.FeedbackSource;
import org.rlhf4j.api.feedback.FeedbackSourceFactory;
import org.rlhf4j.api.plugin.PluginContext;

/** The {@code rule-judge} type. */
public final class RuleJudgeFactory implements FeedbackSourceFactory<RuleJudgeConfig> {
    public static final String TYPE = "rule-judge";

    @Override
    public String description() {
        return "offline deterministic judge from keyword rules (reward) and unsafe words (cost, safety labels)";
    }

    @Override
    public Class<RuleJudgeConfig> configClass() {
        return RuleJudgeConfig.class;
    }

    @Override
    public FeedbackSource create(String type, RuleJudgeConfig config, PluginContext context) {
        return new RuleJudgeSource(type, config);
    }
}
