package org.rlhf4j.api.plugin;

import java.util.List;
import org.rlhf4j.api.algorithm.AlgorithmFactory;
import org.rlhf4j.api.feedback.Choice;
import org.rlhf4j.api.feedback.FeedbackSource;
import org.rlhf4j.api.feedback.FeedbackSourceFactory;
import org.rlhf4j.api.feedback.Preference;
import org.rlhf4j.api.feedback.Provenance;

/** Test types registered by {@link TestModule}. */
public final class TestPlugins {
    private TestPlugins() {}

    /** Settings of the {@code test-judge} type. */
    public record JudgeConfig(Double temperature, Mode mode, List<String> words) {
        public enum Mode { STRICT, LENIENT }

        public JudgeConfig {
            temperature = temperature == null ? 1.0 : temperature;
            if (temperature < 0) {
                throw new IllegalArgumentException("temperature must be >= 0, got " + temperature);
            }
            mode = mode == null ? Mode.STRICT : mode;
            words = words == null ? List.of() : List.copyOf(words);
        }
    }

    /** Settings of the {@code test-algo} type. */
    public record AlgoConfig(Double beta) {
        public AlgoConfig {
            beta = beta == null ? 0.1 : beta;
        }
    }

    /** Always prefers A. */
    public static final class JudgeFactory implements FeedbackSourceFactory<JudgeConfig> {
        @Override
        public String description() {
            return "prefers response A";
        }

        @Override
        public Class<JudgeConfig> configClass() {
            return JudgeConfig.class;
        }

        @Override
        public FeedbackSource create(String type, JudgeConfig config, PluginContext context) {
            return new FeedbackSource() {
                @Override
                public List<Preference> compare(List<org.rlhf4j.api.feedback.Comparison> comparisons,
                        org.rlhf4j.api.feedback.FeedbackContext feedbackContext) {
                    return comparisons.stream()
                            .map(c -> Preference.of(c, Choice.A, 1.0, new Provenance(type, "always-a", java.time.Instant.EPOCH)))
                            .toList();
                }
            };
        }
    }

    public static final class AlgoFactory implements AlgorithmFactory<AlgoConfig> {
        @Override
        public String description() {
            return "a test algorithm";
        }

        @Override
        public Class<AlgoConfig> configClass() {
            return AlgoConfig.class;
        }
    }

    /** Registers {@code test-judge}, {@code test-algo} and the task {@code echo}. */
    public static final class TestModule implements RlhfModule {
        @Override
        public void configure(com.google.inject.Binder binder) {
            PluginBinders.feedbackSources(binder).addBinding("test-judge").to(JudgeFactory.class);
            PluginBinders.algorithms(binder).addBinding("test-algo").to(AlgoFactory.class);
            PluginBinders.tasks(binder).addBinding("echo").to(org.rlhf4j.api.task.EchoTaskFactory.class);
        }
    }

    /** A module that is only listed in a jar built by a test, never in this module's resources. */
    public static final class JarOnlyModule implements RlhfModule {
        @Override
        public void configure(com.google.inject.Binder binder) {
            PluginBinders.algorithms(binder).addBinding("jar-only-algo").to(AlgoFactory.class);
        }
    }
}
