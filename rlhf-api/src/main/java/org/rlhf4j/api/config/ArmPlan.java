package org.rlhf4j.api.config;

import static java.util.Objects.requireNonNull;

import java.util.Optional;
import org.rlhf4j.api.algorithm.Algorithm;
import org.rlhf4j.api.algorithm.AlgorithmFactory;
import org.rlhf4j.api.feedback.FeedbackSource;
import org.rlhf4j.api.feedback.FeedbackSourceFactory;
import org.rlhf4j.api.plugin.PluginContext;

/**
 * A validated arm: its types resolved to registered factories and its settings bound to their config
 * classes.
 *
 * @param config the arm as written
 * @param feedback the factory of {@code feedback.type} and the bound feedback settings (an instance of the
 *     factory's config class); empty when the arm reuses another arm's preferences
 * @param algorithm the factory of {@code algorithm.type} and the bound algorithm settings, when the arm
 *     names an algorithm
 */
public record ArmPlan(ArmConfig config, Optional<Bound<FeedbackSourceFactory<?>>> feedback,
        Optional<Bound<AlgorithmFactory<?>>> algorithm) {
    /**
     * A registered factory and the settings bound to its config class.
     *
     * @param factory the factory
     * @param settings an instance of the factory's config class
     */
    public record Bound<F>(F factory, Object settings) {
        public Bound {
            requireNonNull(factory, "factory is null");
            requireNonNull(settings, "settings is null");
        }
    }

    public ArmPlan {
        requireNonNull(config, "config is null");
        requireNonNull(feedback, "feedback is null");
        requireNonNull(algorithm, "algorithm is null");
        feedback.ifPresent(bound -> checkConfig(bound.factory().configClass(), bound.settings()));
        algorithm.ifPresent(bound -> checkConfig(bound.factory().configClass(), bound.settings()));
        if (feedback.isPresent() != config.feedback().isPresent()) {
            throw new IllegalArgumentException("the arm's feedback and its bound factory disagree");
        }
    }

    /** The arm's name. */
    public String name() {
        return config.name();
    }

    /** The feedback type name, or {@code preferences-from:ARM} when the arm reuses another arm's preferences. */
    public String feedbackType() {
        return config.feedback().map(TypedConfig::type).orElse("preferences-from:" + config.preferences().from());
    }

    /** The algorithm type name, or {@code none} when the arm only collects feedback. */
    public String algorithmType() {
        return config.algorithm().map(TypedConfig::type).orElse("none");
    }

    /** The bound feedback settings; fails for an arm that reuses another arm's preferences. */
    public Object feedbackConfig() {
        return feedback.orElseThrow(() -> new IllegalStateException("arm '" + name() + "' has no feedback source")).settings();
    }

    /** The bound algorithm settings, when the arm names an algorithm. */
    public Optional<Object> algorithmConfig() {
        return algorithm.map(Bound::settings);
    }

    /** Builds the arm's feedback source (not yet opened). */
    public FeedbackSource createFeedbackSource(PluginContext context) {
        Bound<FeedbackSourceFactory<?>> bound = feedback.orElseThrow(() -> new IllegalStateException(
                "arm '" + name() + "' has no feedback source of its own"));
        return createSource(bound.factory(), bound.settings(), feedbackType(), context);
    }

    /** Builds the arm's algorithm, when it names one. */
    public Optional<Algorithm> createAlgorithm(PluginContext context) {
        return algorithm.map(bound -> createAlgorithm(bound.factory(), bound.settings(), algorithmType(), context));
    }

    private static <C> FeedbackSource createSource(FeedbackSourceFactory<C> factory, Object config, String type,
            PluginContext context) {
        return factory.create(type, factory.configClass().cast(config), context);
    }

    private static <C> Algorithm createAlgorithm(AlgorithmFactory<C> factory, Object config, String type, PluginContext context) {
        return factory.create(type, factory.configClass().cast(config), context);
    }

    private static void checkConfig(Class<?> configClass, Object settings) {
        if (!configClass.isInstance(settings)) {
            throw new IllegalArgumentException("settings are a " + settings.getClass().getName() + ", not the factory's "
                    + configClass.getName());
        }
    }
}
