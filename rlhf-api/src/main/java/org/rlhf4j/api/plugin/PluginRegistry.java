package org.rlhf4j.api.plugin;

import static java.util.Objects.requireNonNull;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import org.rlhf4j.api.algorithm.AlgorithmFactory;
import org.rlhf4j.api.feedback.FeedbackSourceFactory;
import org.rlhf4j.api.task.TaskFactory;

/** Every registered type, by kind and name. Built by {@link PluginLoader}; immutable. */
public final class PluginRegistry {
    private final Map<PluginKind, SortedMap<String, PluginType>> types = new EnumMap<>(PluginKind.class);
    private final List<String> modules;
    private final Set<ClassLoader> pluginLoaders;

    public PluginRegistry(
            Map<String, ? extends FeedbackSourceFactory<?>> feedbackSources,
            Map<String, ? extends AlgorithmFactory<?>> algorithms,
            Map<String, ? extends TaskFactory> tasks,
            List<String> modules,
            Set<ClassLoader> pluginLoaders) {
        types.put(PluginKind.FEEDBACK, Collections.unmodifiableSortedMap(new TreeMap<>(feedbackSources)));
        types.put(PluginKind.ALGORITHM, Collections.unmodifiableSortedMap(new TreeMap<>(algorithms)));
        types.put(PluginKind.TASK, Collections.unmodifiableSortedMap(new TreeMap<>(tasks)));
        this.modules = List.copyOf(requireNonNull(modules, "modules is null"));
        this.pluginLoaders = Set.copyOf(requireNonNull(pluginLoaders, "pluginLoaders is null"));
    }

    /** The registered types of one kind, sorted by name. */
    public SortedMap<String, PluginType> types(PluginKind kind) {
        return types.get(kind);
    }

    /** The type registered under {@code name}; throws {@link UnknownTypeException} listing the known ones. */
    public PluginType type(PluginKind kind, String name) {
        PluginType type = types.get(kind).get(name);
        if (type == null) {
            throw new UnknownTypeException(kind, name, types.get(kind).keySet());
        }
        return type;
    }

    /** The feedback source factory registered under {@code name}. */
    public FeedbackSourceFactory<?> feedbackSource(String name) {
        return (FeedbackSourceFactory<?>) type(PluginKind.FEEDBACK, name);
    }

    /** The algorithm factory registered under {@code name}. */
    public AlgorithmFactory<?> algorithm(String name) {
        return (AlgorithmFactory<?>) type(PluginKind.ALGORITHM, name);
    }

    /** The task factory registered under {@code name}. */
    public TaskFactory task(String name) {
        return (TaskFactory) type(PluginKind.TASK, name);
    }

    /** The class names of the loaded {@link RlhfModule}s. */
    public List<String> modules() {
        return modules;
    }

    /**
     * The jar a type came from when it was loaded from a plugin directory; empty for types on the class
     * path.
     */
    public Optional<Path> pluginJar(PluginType type) {
        Class<?> implementation = type.getClass();
        if (!pluginLoaders.contains(implementation.getClassLoader())) {
            return Optional.empty();
        }
        CodeSource source = implementation.getProtectionDomain().getCodeSource();
        if (source == null || source.getLocation() == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(Path.of(source.getLocation().toURI()));
        }
        catch (URISyntaxException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** All type names of one kind, for messages. */
    public List<String> names(PluginKind kind) {
        return new ArrayList<>(types.get(kind).keySet());
    }
}
