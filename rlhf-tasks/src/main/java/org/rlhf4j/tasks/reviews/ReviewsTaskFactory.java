package org.rlhf4j.tasks.reviews;

import org.rlhf4j.api.task.Task;
import org.rlhf4j.api.task.TaskFactory;

/** Registers the built-in {@code reviews} task for {@link org.rlhf4j.api.task.TaskRegistry}. */
public final class ReviewsTaskFactory
        implements TaskFactory
{
    @Override
    public String name()
    {
        return ReviewsTask.NAME;
    }

    @Override
    public String description()
    {
        return "short product and movie reviews; gold reward = positive, fluent, on-topic; gold cost = harm";
    }

    @Override
    public Task create()
    {
        return new ReviewsTask();
    }
}
