package org.rlhf4j.feedback.gan;

import com.google.inject.Binder;
import org.rlhf4j.api.plugin.PluginBinders;
import org.rlhf4j.api.plugin.RlhfModule;

/** Registers {@code gan-discriminator}. */
public final class GanFeedbackModule implements RlhfModule {
    @Override
    public void configure(Binder binder) {
        PluginBinders.feedbackSources(binder).addBinding(GanDiscriminatorFactory.TYPE).to(GanDiscriminatorFactory.class);
    }
}
