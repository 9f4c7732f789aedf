package org.rlhf4j.experiment;

import static java.util.Objects.requireNonNull;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.function.Function;
import org.rlhf4j.api.config.ExperimentPlan;

/**
 * What a run is asked to do: the checked plan of an experiment, the run directory it writes, whether it continues an
 * interrupted run there, the environment its plugins read (API keys) and where its progress messages go.
 *
 * @param plan the experiment, its config bound and checked
 * @param outDirectory the run directory
 * @param resume continue the run in {@code outDirectory} from its checkpoints
 * @param environment the environment variables plugins may read
 * @param log progress messages
 */
public record RunRequest(ExperimentPlan plan, Path outDirectory, boolean resume, Function<String, String> environment,
        PrintWriter log) {
    public RunRequest {
        requireNonNull(plan, "plan is null");
        requireNonNull(outDirectory, "outDirectory is null");
        requireNonNull(environment, "environment is null");
        requireNonNull(log, "log is null");
    }
}
