package org.example.lengthjudge;

import org.rlhf4j.api.feedback.FeedbackSource;
import org.rlhf4j.api.feedback.FeedbackSourceFactory;
import org.rlhf4j.api.plugin.PluginContext;

/** Builds a {@link LengthJudge} from its config. */
public final class LengthJudgeFactory implements FeedbackSourceFactory<LengthJudgeConfig> {
    public static final String TYPE = "example-length-judge";

    @Override
    public String description() {
        return "example third-party plugin: prefers the shorter (or longer) response";
    }

    @Override
    public Class<LengthJudgeConfig> configClass() {
        return LengthJudgeConfig.class;
    }

    @Override
    public FeedbackSource create(String type, LengthJudgeConfig config, PluginContext context) {
        return new LengthJudge(type, config.prefer());
    }
}
