package org.rlhf4j.api.plugin;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Function;
import org.rlhf4j.api.task.Task;

/**
 * What a factory may use when it builds an implementation from its config.
 *
 * @param baseDirectory the directory that relative paths in the config resolve against (the config
 *     file's directory)
 * @param seed the experiment seed, for sources that sample
 * @param environment reads environment variables (API keys); replaceable in tests
 * @param task the experiment's task, when the config names one (simulated annotators may label with its
 *     gold scorer)
 */
public record PluginContext(Path baseDirectory, long seed, Function<String, String> environment, Optional<Task> task) {
    public PluginContext {
        requireNonNull(baseDirectory, "baseDirectory is null");
        requireNonNull(environment, "environment is null");
        requireNonNull(task, "task is null");
    }

    /** A context without a task. */
    public PluginContext(Path baseDirectory, long seed, Function<String, String> environment) {
        this(baseDirectory, seed, environment, Optional.empty());
    }

    /** This context with the experiment's task. */
    public PluginContext withTask(Task task) {
        return new PluginContext(baseDirectory, seed, environment, Optional.of(requireNonNull(task, "task is null")));
    }

    /** A context reading the real environment. */
    public static PluginContext of(Path baseDirectory, long seed) {
        return new PluginContext(baseDirectory, seed, System::getenv);
    }

    /** Resolves a path from the config against {@link #baseDirectory()}. */
    public Path resolve(String path) {
        requireNonNull(path, "path is null");
        return baseDirectory.resolve(path).normalize();
    }

    /** The value of an environment variable, if set. */
    public Optional<String> env(String name) {
        return Optional.ofNullable(environment.apply(name));
    }
}
