package org.rlhf4j.tasks;

import com.google.inject.Binder;
import org.rlhf4j.api.plugin.PluginBinders;
import org.rlhf4j.api.plugin.RlhfModule;
import org.rlhf4j.tasks.reviews.ReviewsTask;
import org.rlhf4j.tasks.reviews.ReviewsTaskFactory;

/** Registers the built-in tasks: {@code reviews}. */
public final class TasksModule implements RlhfModule {
    @Override
    public void configure(Binder binder) {
        PluginBinders.tasks(binder).addBinding(ReviewsTask.NAME).to(ReviewsTaskFactory.class);
    }
}
