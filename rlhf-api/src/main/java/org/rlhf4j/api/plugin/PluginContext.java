package org.rlhf4j.api.plugin;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Function;
import org.rlhf4j.api.task.Task;

/**
 * What a factory may use when it builds an implementation from its config.
 *
 * <p>An interface, in the manner of Trino's {@code ConnectorContext}: the engine hands plugins new services
 * by adding methods with defaults, so a context that grows never breaks a plugin. The engine implements
 * it; tests build one with {@link #of(Path, long)} or {@link #of(Path, long, Function, Optional)}.
 */
public interface PluginContext {
    /** The directory that relative paths in the config resolve against (the config file's directory). */
    Path baseDirectory();

    /** The experiment seed, for sources that sample. */
    long seed();

    /** Reads environment variables (API keys); replaceable in tests. */
    Function<String, String> environment();

    /** The experiment's task, when the config names one (simulated annotators may label with its gold scorer). */
    default Optional<Task> task() {
        return Optional.empty();
    }

    /** This context with the experiment's task. */
    default PluginContext withTask(Task task) {
        return of(baseDirectory(), seed(), environment(), Optional.of(requireNonNull(task, "task is null")));
    }

    /**
     * A service the engine lends plugins, by its type: e.g. {@code rlhf-algorithms}' {@code PolicyBackbone} (the SFT
     * policy, its encoder and training threads) for a source that trains a network on the policy's backbone, as the
     * RLGAF discriminator does. Empty by default, and whenever the engine offers no service of that type at this
     * point: while a config is checked, before any policy exists, a task experiment's context has none, so a
     * factory that needs one looks it up when its source is opened, not when it is built.
     */
    default <T> Optional<T> service(Class<T> type) {
        return Optional.empty();
    }

    /** This context with {@code service} offered under {@code type} (the engine calls it; its other services are kept). */
    default <T> PluginContext withService(Class<T> type, T service) {
        requireNonNull(type, "type is null");
        if (!type.isInstance(requireNonNull(service, "service is null"))) {
            throw new IllegalArgumentException(service.getClass().getName() + " is not a " + type.getName());
        }
        return new ServiceContext(this, type, service);
    }

    /** Resolves a path from the config against {@link #baseDirectory()}. */
    default Path resolve(String path) {
        requireNonNull(path, "path is null");
        return baseDirectory().resolve(path).normalize();
    }

    /** The value of an environment variable, if set. */
    default Optional<String> env(String name) {
        return Optional.ofNullable(environment().apply(name));
    }

    /** A context reading the real environment, without a task. */
    static PluginContext of(Path baseDirectory, long seed) {
        return of(baseDirectory, seed, System::getenv, Optional.empty());
    }

    /** A context with the given environment and task. */
    static PluginContext of(Path baseDirectory, long seed, Function<String, String> environment, Optional<Task> task) {
        return new SimplePluginContext(baseDirectory, seed, environment, task);
    }

    /** A context that adds one service to another context (see {@link #withService}). */
    record ServiceContext(PluginContext base, Class<?> type, Object service) implements PluginContext {
        public ServiceContext {
            requireNonNull(base, "base is null");
            requireNonNull(type, "type is null");
            requireNonNull(service, "service is null");
        }

        @Override
        public Path baseDirectory() {
            return base.baseDirectory();
        }

        @Override
        public long seed() {
            return base.seed();
        }

        @Override
        public Function<String, String> environment() {
            return base.environment();
        }

        @Override
        public Optional<Task> task() {
            return base.task();
        }

        @Override
        public PluginContext withTask(Task task) {
            return new ServiceContext(base.withTask(task), type, service);
        }

        @Override
        public <T> Optional<T> service(Class<T> wanted) {
            return wanted == type ? Optional.of(wanted.cast(service)) : base.service(wanted);
        }
    }

    /** The plain implementation of {@link #of}. */
    record SimplePluginContext(Path baseDirectory, long seed, Function<String, String> environment, Optional<Task> task)
            implements PluginContext {
        public SimplePluginContext {
            requireNonNull(baseDirectory, "baseDirectory is null");
            requireNonNull(environment, "environment is null");
            requireNonNull(task, "task is null");
        }
    }
}
