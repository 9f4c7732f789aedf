package org.rlhf4j.api.task;

import java.util.Collection;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * The tasks available to an experiment, keyed by name.
 *
 * <p>{@link #load()} discovers every {@link TaskFactory} on the class path with {@link ServiceLoader};
 * {@link #create(String)} builds a task by name and fails with a message listing the known names when the
 * name is unknown. Two factories with the same name are an error, reported with both class names.
 */
public final class TaskRegistry
{
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]*");

    private final Map<String, TaskFactory> factories;

    private TaskRegistry(Map<String, TaskFactory> factories)
    {
        this.factories = Collections.unmodifiableMap(factories);
    }

    /** Discovers the task factories visible to the current thread's context class loader. */
    public static TaskRegistry load()
    {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        return load(loader != null ? loader : TaskRegistry.class.getClassLoader());
    }

    /** Discovers the task factories visible to {@code classLoader}. */
    public static TaskRegistry load(ClassLoader classLoader)
    {
        requireNonNull(classLoader, "classLoader is null");
        return of(ServiceLoader.load(TaskFactory.class, classLoader).stream().map(ServiceLoader.Provider::get).toList());
    }

    /**
     * Builds a registry from explicit factories (useful in tests and embedded use).
     *
     * @throws IllegalArgumentException if a name is invalid or used twice
     */
    public static TaskRegistry of(Collection<? extends TaskFactory> factories)
    {
        requireNonNull(factories, "factories is null");
        Map<String, TaskFactory> byName = new TreeMap<>();
        for (TaskFactory factory : factories) {
            requireNonNull(factory, "factory is null");
            String name = requireNonNull(factory.name(), () -> factory.getClass().getName() + ".name() is null");
            if (!NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("Invalid task name '" + name + "' from " + factory.getClass().getName()
                        + ": use lower-case letters, digits, '-' and '_'");
            }
            TaskFactory previous = byName.putIfAbsent(name, factory);
            if (previous != null) {
                throw new IllegalArgumentException("Task '" + name + "' is provided twice, by "
                        + previous.getClass().getName() + " and " + factory.getClass().getName());
            }
        }
        return new TaskRegistry(byName);
    }

    /** The names of the known tasks, sorted. */
    public Set<String> names()
    {
        return factories.keySet();
    }

    /** The factory registered under {@code name}, if any. */
    public Optional<TaskFactory> factory(String name)
    {
        requireNonNull(name, "name is null");
        return Optional.ofNullable(factories.get(name));
    }

    /**
     * Creates the task registered under {@code name}.
     *
     * @throws IllegalArgumentException if no task has that name; the message lists the known names
     */
    public Task create(String name)
    {
        requireNonNull(name, "name is null");
        TaskFactory factory = factories.get(name);
        if (factory == null) {
            throw new IllegalArgumentException("Unknown task '" + name + "'. Known tasks: " + names()
                    + ". To add one, put a jar with a " + TaskFactory.class.getName()
                    + " listed in META-INF/services/" + TaskFactory.class.getName() + " on the class path.");
        }
        return requireNonNull(factory.create(), () -> factory.getClass().getName() + ".create() returned null");
    }
}
