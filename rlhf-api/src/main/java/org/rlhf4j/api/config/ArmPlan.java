package org.rlhf4j.api.config;

import static java.util.Objects.requireNonNull;

import java.util.Optional;
import org.rlhf4j.api.feedback.FeedbackSource;
import org.rlhf4j.api.feedback.FeedbackSourceFactory;
import org.rlhf4j.api.plugin.PluginContext;

/**
 * A validated arm: its types resolved to registered factories and its settings bound to their config
 * classes.
 *
 * @param config the arm as written
 * @param feedbackFactory the factory of {@code feedback.type}
 * @param feedbackConfig the bound feedback settings, an instance of the factory's config class
 * @param algorithmConfig the bound algorithm settings, when the arm names an algorithm
 */
public record ArmPlan(
        ArmConfig config,
        FeedbackSourceFactory<?> feedbackFactory,
        Object feedbackConfig,
        Optional<Object> algorithmConfig) {
    public ArmPlan {
        requireNonNull(config, "config is null");
        requireNonNull(feedbackFactory, "feedbackFactory is null");
        requireNonNull(feedbackConfig, "feedbackConfig is null");
        requireNonNull(algorithmConfig, "algorithmConfig is null");
        if (!feedbackFactory.configClass().isInstance(feedbackConfig)) {
            throw new IllegalArgumentException("feedbackConfig is a " + feedbackConfig.getClass().getName()
                    + ", not the factory's " + feedbackFactory.configClass().getName());
        }
    }

    /** The arm's name. */
    public String name() {
        return config.name();
    }

    /** The feedback type name. */
    public String feedbackType() {
        return config.feedback().type();
    }

    /** The algorithm type name, or {@code none} when the arm only collects feedback. */
    public String algorithmType() {
        return config.algorithm().map(TypedConfig::type).orElse("none");
    }

    /** Builds the arm's feedback source (not yet opened). */
    public FeedbackSource createFeedbackSource(PluginContext context) {
        return create(feedbackFactory, feedbackConfig, feedbackType(), context);
    }

    private static <C> FeedbackSource create(FeedbackSourceFactory<C> factory, Object config, String type,
            PluginContext context) {
        return factory.create(type, factory.configClass().cast(config), context);
    }
}
