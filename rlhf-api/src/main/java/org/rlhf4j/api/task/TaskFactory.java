package org.rlhf4j.api.task;

/**
 * Creates a {@link Task}; the unit of task discovery.
 *
 * <p>Implementations need a public no-argument constructor and a line with their class name in
 * {@code META-INF/services/org.rlhf4j.api.task.TaskFactory}, so that {@link java.util.ServiceLoader} (and
 * therefore {@link TaskRegistry#load()}) finds them. Creating a factory must be cheap; expensive work
 * (loading word lists, building lexicons) belongs in {@link #create()}.
 */
public interface TaskFactory
{
    /**
     * The name of the task this factory creates: lower-case letters, digits, {@code -} and {@code _},
     * unique across the class path.
     */
    String name();

    /** A one-line, human-readable description, shown by the CLI. */
    default String description()
    {
        return "";
    }

    /** Creates the task. Each call may return a new instance or a shared, immutable one. */
    Task create();
}
