package org.rlhf4j.api.config;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.rlhf4j.api.algorithm.AlgorithmFactory;
import org.rlhf4j.api.feedback.FeedbackSourceFactory;
import org.rlhf4j.api.plugin.PluginKind;
import org.rlhf4j.api.plugin.PluginRegistry;
import org.rlhf4j.api.plugin.PluginType;
import org.rlhf4j.api.plugin.UnknownTypeException;
import org.rlhf4j.api.task.TaskFactory;

/**
 * Reads and validates an experiment config completely, before any work starts: YAML syntax, overrides,
 * the core keys, every {@code type} name and every type's own settings.
 */
public final class ExperimentLoader {
    private final PluginRegistry registry;

    public ExperimentLoader(PluginRegistry registry) {
        this.registry = requireNonNull(registry, "registry is null");
    }

    /**
     * Loads {@code file}, applies the {@code key=value} overrides and validates everything.
     *
     * @throws ConfigException naming the file, line (or {@code --set}) and key path of the first problem
     */
    public ExperimentPlan load(Path file, List<String> overrides) {
        ConfigTree tree = YamlTreeReader.read(file);
        ConfigOverrides.apply(tree, overrides);
        ExperimentConfig config = ConfigBinder.bind(tree, ExperimentConfig.class);
        config.task().ifPresent(task -> bindTyped(tree, ConfigPath.ROOT.field("task"), PluginKind.TASK, task));
        Optional<TaskFactory> task = config.task().map(typed -> registry.task(typed.type()));
        List<ArmPlan> arms = new ArrayList<>();
        for (int i = 0; i < config.arms().size(); i++) {
            ArmConfig arm = config.arms().get(i);
            ConfigPath at = ConfigPath.ROOT.field("arms").index(i);
            Optional<ArmPlan.Bound<FeedbackSourceFactory<?>>> feedback = arm.feedback()
                    .map(typed -> bound(tree, at.field("feedback"), PluginKind.FEEDBACK, typed, registry::feedbackSource));
            Optional<ArmPlan.Bound<AlgorithmFactory<?>>> algorithm = arm.algorithm()
                    .map(typed -> bound(tree, at.field("algorithm"), PluginKind.ALGORITHM, typed, registry::algorithm));
            arms.add(new ArmPlan(arm, feedback, algorithm));
        }
        return new ExperimentPlan(file, config, task, arms);
    }

    /** The registered factory of {@code typed} with its bound settings (an unknown type is reported at its key first). */
    private <F> ArmPlan.Bound<F> bound(ConfigTree tree, ConfigPath path, PluginKind kind, TypedConfig typed,
            java.util.function.Function<String, F> factory) {
        Object settings = bindTyped(tree, path, kind, typed);
        return new ArmPlan.Bound<>(factory.apply(typed.type()), settings);
    }

    private Object bindTyped(ConfigTree tree, ConfigPath path, PluginKind kind, TypedConfig typed) {
        PluginType type;
        try {
            type = registry.type(kind, typed.type());
        }
        catch (UnknownTypeException e) {
            throw tree.error(path.field("type"), e.getMessage(), e);
        }
        ObjectNode settings = typed.settings();
        return ConfigBinder.bind(tree, path, settings, type.configClass());
    }
}
