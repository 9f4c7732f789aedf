package org.rlhf4j.api.task;

import org.rlhf4j.api.plugin.PluginType;

/**
 * Creates a {@link Task}; the unit of task discovery, registered by name like every other plugin type.
 *
 * <p>A {@link org.rlhf4j.api.plugin.RlhfModule} registers the factory under the task's name, the name an
 * experiment config writes as {@code task: {type: NAME}}:
 *
 * <pre>{@code
 * PluginBinders.tasks(binder).addBinding("reviews").to(ReviewsTaskFactory.class);
 * }</pre>
 *
 * Creating a factory must be cheap; expensive work (loading word lists, building lexicons) belongs in
 * {@link #create()}. {@link #configClass()} binds the keys written next to {@code type:} (none by
 * default).
 */
public interface TaskFactory extends PluginType {
    /** Creates the task. Each call may return a new instance or a shared, immutable one. */
    Task create();
}
