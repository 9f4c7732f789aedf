package org.example.keywords;

import com.google.inject.Binder;
import org.rlhf4j.api.plugin.PluginBinders;
import org.rlhf4j.api.plugin.RlhfModule;

/**
 * The plugin's entry point, listed in {@code META-INF/services/org.rlhf4j.api.plugin.RlhfModule}:
 * registers the feedback source type {@code example-keyword-score}.
 */
public final class KeywordScoreModule implements RlhfModule {
    @Override
    public void configure(Binder binder) {
        PluginBinders.feedbackSources(binder).addBinding(KeywordScoreFactory.TYPE).to(KeywordScoreFactory.class);
    }
}
