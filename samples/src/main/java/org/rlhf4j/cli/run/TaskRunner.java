package org.rlhf4j.cli.run;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import org.rlhf4j.algorithms.experiment.RunDirectoryException;
import org.rlhf4j.algorithms.experiment.TaskExperiment;
import org.rlhf4j.api.config.ConfigBinder;
import org.rlhf4j.api.config.ExperimentPlan;
import org.rlhf4j.api.task.Task;

/** Runs a task experiment ({@link TaskExperiment}) from a validated plan. */
public final class TaskRunner {
    private final ExperimentPlan plan;
    private final Path outDirectory;
    private final boolean resume;
    private final PrintWriter log;

    /**
     * What the run printed at the end.
     *
     * @param task the task's name
     * @param goldReward the SFT policy's mean gold reward
     * @param goldCost the SFT policy's mean gold cost
     * @param taskBuildSeconds the task build's wall time
     */
    public record Outcome(String task, double goldReward, double goldCost, double taskBuildSeconds) {}

    public TaskRunner(ExperimentPlan plan, Path outDirectory, boolean resume, PrintWriter log) {
        this.plan = requireNonNull(plan, "plan is null");
        this.outDirectory = requireNonNull(outDirectory, "outDirectory is null");
        this.resume = resume;
        this.log = requireNonNull(log, "log is null");
    }

    /** Runs the experiment; directory problems exit as usage errors, I/O failures as runtime errors. */
    public Outcome run() {
        Task task = plan.createTask().orElseThrow(() -> new IllegalStateException("a task experiment without a task"));
        String configJson;
        try {
            configJson = ConfigBinder.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(plan.config()) + "\n";
        }
        catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the config as JSON: " + e.getMessage(), e);
        }
        TaskExperiment experiment = new TaskExperiment(plan.config(), task, outDirectory, configJson,
                plan.file().toAbsolutePath().toString(), log);
        TaskExperiment.Result result;
        try {
            result = experiment.run(resume);
        }
        catch (RunDirectoryException e) {
            throw new RunSetupException(e.getMessage(), e);
        }
        catch (IOException e) {
            throw new UncheckedIOException("task experiment " + plan.config().name() + ": " + e.getMessage(), e);
        }
        return new Outcome(task.name(), result.sftEvaluation().report().goldReward(), result.sftEvaluation().report().goldCost(),
                result.summary().get("task_build_seconds").asDouble());
    }
}
