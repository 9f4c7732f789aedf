package org.rlhf4j.api.feedback;

import org.rlhf4j.api.plugin.PluginContext;
import org.rlhf4j.api.plugin.PluginType;

/**
 * Builds a {@link FeedbackSource} from its typed config. Register one under a {@code type} name with
 * {@link org.rlhf4j.api.plugin.PluginBinders#feedbackSources}.
 *
 * @param <C> the config class, bound from every key next to {@code type:} in the arm's {@code feedback}
 */
public interface FeedbackSourceFactory<C> extends PluginType {
    @Override
    Class<C> configClass();

    /**
     * Builds a source. Cheap checks of the config belong in the config class's constructor (they run
     * before any work starts); this method may read files and check the environment.
     *
     * @param type the name the factory was registered under, for {@link Provenance#sourceType()}
     * @throws IllegalArgumentException when the config cannot work (file missing, variable unset, ...)
     */
    FeedbackSource create(String type, C config, PluginContext context);
}
