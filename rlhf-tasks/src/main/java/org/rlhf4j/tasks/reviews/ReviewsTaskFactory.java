package org.rlhf4j.tasks.reviews;

import org.rlhf4j.api.task.Task;
import org.rlhf4j.api.task.TaskFactory;

/** The built-in {@code reviews} task, registered by {@link org.rlhf4j.tasks.TasksModule}. */
public final class ReviewsTaskFactory implements TaskFactory {
    @Override
    public String description() {
        return "short product and movie reviews; gold reward = positive, fluent, on-topic; gold cost = harm";
    }

    @Override
    public Task create() {
        return new ReviewsTask();
    }
}
