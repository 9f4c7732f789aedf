package org.rlhf4j.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.rlhf4j.api.config.ExperimentLoader;
import org.rlhf4j.api.config.ExperimentPlan;
import org.rlhf4j.api.plugin.PluginRegistry;
import org.rlhf4j.cli.progress.ProgressDisplay;
import org.rlhf4j.cli.run.RunSetupException;
import org.rlhf4j.engine.model.EngineThreads;
import org.rlhf4j.experiment.ExperimentRunner;
import org.rlhf4j.experiment.LabellingExperiment;
import org.rlhf4j.experiment.LabellingSummary;
import org.rlhf4j.experiment.RunRequest;
import org.rlhf4j.experiment.eval.Evaluation;
import org.rlhf4j.experiment.run.RunDirectoryException;
import org.rlhf4j.report.RunReport;
import org.rlhf4j.report.Software;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code rlhf run CONFIG.yaml}: validates the whole config, then runs the experiment: a task experiment
 * ({@code task} without {@code data}: build the task's SFT policy, run the arms and evaluate them,
 * {@link ExperimentRunner}, then write report.html and disclosure.json, {@link RunReport}) or a
 * labelling experiment ({@code data} and {@code arms}: every arm's feedback source labels the comparisons,
 * {@link LabellingExperiment}; no report: its summary.json and preferences.jsonl are the result).
 */
@Command(name = "run", mixinStandardHelpOptions = true, description = "Run an experiment.")
public final class RunCommand implements Callable<Integer> {
    private final CliContext context;

    @Parameters(index = "0", paramLabel = "CONFIG.yaml", description = "The experiment config.")
    Path config;

    @Option(names = "--out", paramLabel = "DIR",
            description = "The output directory (default <output>/<name>-<timestamp>).")
    Path out;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "Override a config key, e.g. seed=7 or arms[0].feedback.temperature=0.5 (repeatable).")
    List<String> overrides = new ArrayList<>();

    @Option(names = "--resume", description = "Continue the run in --out, skipping arms and batches already done.")
    boolean resume;

    @Option(names = "--plugins", paramLabel = "DIR",
            description = "Also load every plugin jar in DIR (repeatable; also env RLHF_PLUGINS).")
    List<Path> pluginDirectories = new ArrayList<>();

    public RunCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        if (resume && out == null) {
            throw new UsageException("--resume needs --out DIR (the run to continue)");
        }
        PluginRegistry registry = context.loadPlugins(pluginDirectories);
        ExperimentPlan plan = new ExperimentLoader(registry).load(config, overrides);
        context.describePluginJars(registry);
        Path outDirectory = out != null ? out : Path.of(plan.config().output())
                .resolve(plan.config().name() + "-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        context.err().println("ND4J backend: " + Nd4jBackend.describe());
        context.err().flush();
        if (plan.config().isTaskExperiment()) {
            EngineThreads.Settings threads = EngineThreads.applyDefaults();
            context.err().printf("engine threads: %d op, %d BLAS (RLHF_THREADS, RLHF_BLAS_THREADS)%n",
                    threads.opThreads(), threads.blasThreads());
            ExperimentRunner.Outcome outcome;
            try {
                outcome = new ExperimentRunner(new RunRequest(plan, outDirectory, resume, context.environment(), context.err()))
                        .onStep(ProgressDisplay.of(context.err(), System.err, System.console() != null)).run();
            }
            catch (RunDirectoryException e) {
                throw new RunSetupException(e.getMessage(), e);
            }
            catch (IOException e) {
                throw new UncheckedIOException("experiment " + plan.config().name() + ": " + e.getMessage(), e);
            }
            Evaluation sft = outcome.sft().sftEvaluation();
            context.out().printf("run %s: task %s, SFT policy gold reward %.3f, gold cost %.3f, task build %.1f s%n",
                    plan.config().name(), outcome.task(), sft.report().goldReward(), sft.report().goldCost(),
                    outcome.sft().summary().path("task_build_seconds").asDouble());
            for (ObjectNode arm : outcome.arms()) {
                context.out().printf("  arm %s (%s, %s): gold reward %.3f, gold cost %.3f, KL %.2f, win rate vs SFT %.3f%n",
                        arm.path("name").asText(), arm.path("feedback").asText(), arm.path("algorithm").asText(),
                        arm.path("gold_reward_final").asDouble(), arm.path("gold_cost_final").asDouble(),
                        arm.path("kl_to_reference").asDouble(), arm.path("win_rate_vs_sft").asDouble());
            }
            RunReport.Written report = RunReport.write(outDirectory, Software.current(Nd4jBackend.describe()));
            context.out().printf("report: %s (%d charts), %s%n", report.html(), report.charts().size(), report.disclosure());
            context.out().printf("-> %s%n", outDirectory);
            context.out().flush();
            return ExitCodes.OK;
        }
        LabellingSummary summary;
        try {
            summary = new LabellingExperiment(new RunRequest(plan, outDirectory, resume, context.environment(), context.err()))
                    .run();
        }
        catch (RunDirectoryException e) {
            throw new RunSetupException(e.getMessage(), e);
        }
        catch (IOException e) {
            throw new UncheckedIOException("experiment " + plan.config().name() + ": " + e.getMessage(), e);
        }
        context.out().printf("run %s: %d arm(s), %d judgment(s) -> %s%n", plan.config().name(), summary.arms().size(),
                summary.totalJudgments(), outDirectory);
        context.out().flush();
        return ExitCodes.OK;
    }
}
