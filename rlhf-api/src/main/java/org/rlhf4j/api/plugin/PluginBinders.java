package org.rlhf4j.api.plugin;

import com.google.inject.Binder;
import com.google.inject.Key;
import com.google.inject.TypeLiteral;
import com.google.inject.multibindings.MapBinder;
import java.util.Map;
import org.rlhf4j.api.algorithm.AlgorithmFactory;
import org.rlhf4j.api.feedback.FeedbackSourceFactory;
import org.rlhf4j.api.task.TaskFactory;

/**
 * Where a {@link RlhfModule} registers its types, each under its {@code type} name:
 *
 * <pre>{@code
 * PluginBinders.feedbackSources(binder).addBinding("human-dataset").to(HumanDatasetFactory.class);
 * }</pre>
 *
 * Registering the same name twice (in any jars) is an error at start-up.
 */
public final class PluginBinders {
    static final TypeLiteral<FeedbackSourceFactory<?>> FEEDBACK_FACTORY = new TypeLiteral<>() {};
    static final TypeLiteral<AlgorithmFactory<?>> ALGORITHM_FACTORY = new TypeLiteral<>() {};

    static final Key<Map<String, FeedbackSourceFactory<?>>> FEEDBACK_MAP = Key.get(new TypeLiteral<>() {});
    static final Key<Map<String, AlgorithmFactory<?>>> ALGORITHM_MAP = Key.get(new TypeLiteral<>() {});
    static final Key<Map<String, TaskFactory>> TASK_MAP = Key.get(new TypeLiteral<>() {});

    private PluginBinders() {}

    /** The registry of feedback source types ({@link PluginKind#FEEDBACK}). */
    public static MapBinder<String, FeedbackSourceFactory<?>> feedbackSources(Binder binder) {
        return MapBinder.newMapBinder(binder, TypeLiteral.get(String.class), FEEDBACK_FACTORY);
    }

    /** The registry of algorithm types ({@link PluginKind#ALGORITHM}). */
    public static MapBinder<String, AlgorithmFactory<?>> algorithms(Binder binder) {
        return MapBinder.newMapBinder(binder, TypeLiteral.get(String.class), ALGORITHM_FACTORY);
    }

    /** The registry of task types ({@link PluginKind#TASK}): a {@link TaskFactory} per task name. */
    public static MapBinder<String, TaskFactory> tasks(Binder binder) {
        return MapBinder.newMapBinder(binder, String.class, TaskFactory.class);
    }
}
