package org.example.keywords;

import org.rlhf4j.api.feedback.FeedbackSource;
import org.rlhf4j.api.feedback.FeedbackSourceFactory;
import org.rlhf4j.api.plugin.PluginContext;

/** Builds a {@link KeywordScore} from its config. */
public final class KeywordScoreFactory implements FeedbackSourceFactory<KeywordScoreConfig> {
    public static final String TYPE = "example-keyword-score";

    @Override
    public String description() {
        return "example scoring plugin: +1 per positive word, -1 per negative word";
    }

    @Override
    public Class<KeywordScoreConfig> configClass() {
        return KeywordScoreConfig.class;
    }

    @Override
    public FeedbackSource create(String type, KeywordScoreConfig config, PluginContext context) {
        return new KeywordScore(type, config);
    }
}
