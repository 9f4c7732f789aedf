package org.rlhf4j.api.config;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.rlhf4j.api.task.Task;
import org.rlhf4j.api.task.TaskFactory;

/**
 * A fully validated experiment: the config, where it came from, and every arm resolved.
 *
 * @param file the config file
 * @param config the bound config
 * @param taskFactory the factory of {@code task.type}, when the config names a task
 * @param arms the arms, in config order
 */
public record ExperimentPlan(Path file, ExperimentConfig config, Optional<TaskFactory> taskFactory, List<ArmPlan> arms) {
    public ExperimentPlan {
        requireNonNull(file, "file is null");
        requireNonNull(config, "config is null");
        requireNonNull(taskFactory, "taskFactory is null");
        arms = List.copyOf(arms);
    }

    /** Creates the experiment's task, when the config names one. */
    public Optional<Task> createTask() {
        return taskFactory.map(TaskFactory::create);
    }

    /** The bound config as indented JSON (every default filled in), as checkpoints and reports store it. */
    public String configJson() {
        try {
            return ConfigBinder.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(config) + "\n";
        }
        catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot write the config as JSON: " + e.getMessage(), e);
        }
    }

    /** The directory relative paths in the config resolve against. */
    public Path baseDirectory() {
        Path parent = file.toAbsolutePath().getParent();
        return parent == null ? Path.of("").toAbsolutePath() : parent;
    }

    /** The comparisons file of a labelling experiment, resolved against the config's directory. */
    public Path comparisonsFile() {
        DataConfig data = config.data().orElseThrow(() -> new IllegalStateException("not a labelling experiment: no 'data'"));
        return baseDirectory().resolve(data.comparisons()).normalize();
    }
}
