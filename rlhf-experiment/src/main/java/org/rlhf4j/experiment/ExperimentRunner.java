package org.rlhf4j.experiment;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.rlhf4j.api.config.ArmPlan;
import org.rlhf4j.api.config.ExperimentPlan;
import org.rlhf4j.api.plugin.PluginContext;
import org.rlhf4j.api.task.Task;
import org.rlhf4j.engine.model.EngineThreads;
import org.rlhf4j.engine.model.PolicyBackbone;
import org.rlhf4j.engine.tokenizer.SequenceEncoder;
import org.rlhf4j.engine.train.ProgressListener;
import org.rlhf4j.experiment.arm.ArmOutcome;
import org.rlhf4j.experiment.arm.ArmParts;
import org.rlhf4j.experiment.arm.ArmRunner;
import org.rlhf4j.experiment.arm.RunContext;
import org.rlhf4j.experiment.run.RunDirectory;
import org.rlhf4j.experiment.run.RunDirectoryException;
import org.rlhf4j.experiment.run.SampleLines;

/**
 * The one experiment runner every task experiment goes through: the task build (corpus, tokenizer, SFT) and
 * SFT's evaluation ({@link TaskExperiment}), then every arm in config order ({@link ArmRunner}), writing one run
 * directory ({@link RunDirectory}): after each arm {@code samples.jsonl} (SFT's samples, then each arm's) and
 * {@code summary.json} (with the {@code arms} so far and the run's {@code warnings}) are rewritten whole.
 * A run that fails after start-up records {@code status: failed} and the error in {@code summary.json}.
 */
public final class ExperimentRunner {
    private final RunRequest request;
    private final ExperimentPlan plan;
    private final PrintWriter log;
    private ProgressListener progress = ProgressListener.NONE;

    /** What the run printed at the end. */
    public record Outcome(String task, TaskExperiment.Result sft, List<ObjectNode> arms) {}

    public ExperimentRunner(RunRequest request) {
        this.request = requireNonNull(request, "request is null");
        this.plan = request.plan();
        this.log = request.log();
        if (!plan.config().isTaskExperiment()) {
            throw new IllegalArgumentException("not a task experiment: it has 'data' or no 'task'");
        }
    }

    /** Tells {@code listener} after every training step of every arm. */
    public ExperimentRunner onStep(ProgressListener listener) {
        this.progress = requireNonNull(listener, "listener is null");
        return this;
    }

    /**
     * Runs the experiment.
     *
     * @throws RunDirectoryException when the directory does not fit (a fresh run finds a run, a resumed one none),
     *     or an arm's feedback or algorithm cannot be built
     */
    public Outcome run() throws IOException {
        long started = System.nanoTime();
        Task task = plan.createTask().orElseThrow();
        String configJson = plan.configJson();
        PluginContext context = PluginContext.of(plan.baseDirectory(), plan.config().seed(), request.environment(),
                java.util.Optional.of(task));
        ArmParts.preflight(plan.arms(), context); // every arm buildable before any work

        try (RunDirectory run = RunDirectory.open(request.outDirectory(), request.resume())) {
            ObjectNode summary = null;
            try {
                TaskExperiment.Result sft = new TaskExperiment(plan.config(), task, run, configJson,
                        plan.file().toAbsolutePath().toString(), log).onStep(progress).run(request.resume());
                summary = sft.summary();
                List<ObjectNode> arms = runArms(task, sft, run, configJson, summary, started, context);
                return new Outcome(task.name(), sft, arms);
            }
            catch (RuntimeException | IOException | Error e) {
                ObjectNode failed = summary != null ? summary : new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode();
                failed.put("name", plan.config().name());
                failed.put("status", "failed");
                failed.put("error", String.valueOf(e.getMessage()));
                failed.put("wall_seconds", (System.nanoTime() - started) / 1e9);
                try {
                    run.writeSummary(failed);
                }
                catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
                throw e;
            }
        }
    }

    private List<ObjectNode> runArms(Task task, TaskExperiment.Result sft, RunDirectory run, String configJson, ObjectNode summary,
            long started, PluginContext context) throws IOException {
        SequenceEncoder encoder = new SequenceEncoder(sft.tokenizer(), sft.policy().config().maxSeqLen());
        int workers = EngineThreads.trainWorkers();
        // feedback sources that train on the policy's backbone (the RLGAF discriminator) find the SFT policy here
        PluginContext armContext = context.withService(PolicyBackbone.class, new PolicyBackbone(sft.policy(), encoder, workers));
        RunContext shared = new RunContext(task, sft.policy(), sft.policy().frozenCopy(), encoder, sft.evaluator(),
                sft.evalSeed(), sft.sftEvaluation(), plan.config().seed(), run, request.resume(), configJson, armContext, workers, log,
                progress);
        ArmRunner runner = new ArmRunner(shared);
        Map<String, ArmOutcome> done = new LinkedHashMap<>();
        List<ObjectNode> samples = new ArrayList<>(SampleLines.of(TaskExperiment.SFT_ARM, sft.sftEvaluation().samples()));
        List<String> warnings = new ArrayList<>();
        ArrayNode arms = summary.putArray("arms");
        summary.put("status", "running");
        try {
            for (ArmPlan arm : plan.arms()) {
                ArmOutcome outcome = runner.run(arm, done);
                done.put(arm.name(), outcome);
                arms.add(outcome.summary());
                samples.addAll(SampleLines.of(arm.name(), outcome.samples()));
                warnings.addAll(outcome.warnings());
                outcome.warnings().forEach(warning -> log.println("WARNING: " + warning));
                run.writeSamples(samples);
                summary.putPOJO("warnings", List.copyOf(warnings));
                summary.put("wall_seconds", (System.nanoTime() - started) / 1e9);
                run.writeSummary(summary);
            }
        }
        finally {
            // the reward and cost models live for the run (later arms may reuse them): their scoring passes end here
            done.values().forEach(ArmOutcome::closeModels);
        }
        summary.put("status", "complete");
        summary.putPOJO("warnings", List.copyOf(warnings));
        summary.put("wall_seconds", (System.nanoTime() - started) / 1e9);
        run.writeSummary(summary);
        log.flush();
        List<ObjectNode> out = new ArrayList<>();
        arms.forEach(node -> out.add((ObjectNode) node));
        return out;
    }
}
