package org.rlhf4j.experiment.arm;

import static java.util.Objects.requireNonNull;

import java.io.PrintWriter;
import org.rlhf4j.api.plugin.PluginContext;
import org.rlhf4j.api.task.Task;
import org.rlhf4j.engine.model.TransformerWeights;
import org.rlhf4j.engine.tokenizer.SequenceEncoder;
import org.rlhf4j.engine.train.ProgressListener;
import org.rlhf4j.experiment.eval.Evaluation;
import org.rlhf4j.experiment.eval.Evaluator;
import org.rlhf4j.experiment.run.RunDirectory;

/**
 * What every arm of a run shares: the task, the SFT policy and its frozen copy, the evaluator, the run directory and
 * the run's settings.
 *
 * @param task the task
 * @param sft the SFT policy (never modified)
 * @param reference the frozen SFT policy
 * @param encoder encodes prompts and responses
 * @param evaluator the EVAL-prompt evaluator
 * @param evalSeed the sampling seed of every evaluation (common random numbers across arms)
 * @param sftEvaluation SFT's evaluation
 * @param experimentSeed the experiment seed
 * @param run the run directory
 * @param resume whether the run resumes
 * @param configJson the config for checkpoints
 * @param pluginContext the context feedback sources and algorithms are built with
 * @param workers data-parallel shards
 * @param log progress messages
 * @param progress told after every training step
 */
public record RunContext(Task task, TransformerWeights sft, TransformerWeights reference, SequenceEncoder encoder,
        Evaluator evaluator, long evalSeed, Evaluation sftEvaluation, long experimentSeed, RunDirectory run, boolean resume,
        String configJson, PluginContext pluginContext, int workers, PrintWriter log, ProgressListener progress) {
    public RunContext {
        requireNonNull(task, "task is null");
        requireNonNull(sft, "sft is null");
        requireNonNull(reference, "reference is null");
        requireNonNull(encoder, "encoder is null");
        requireNonNull(evaluator, "evaluator is null");
        requireNonNull(sftEvaluation, "sftEvaluation is null");
        requireNonNull(run, "run is null");
        requireNonNull(configJson, "configJson is null");
        requireNonNull(pluginContext, "pluginContext is null");
        requireNonNull(log, "log is null");
        requireNonNull(progress, "progress is null");
    }

    /** Prints one progress line and flushes it. */
    void say(String format, Object... args) {
        log.printf(format + "%n", args);
        log.flush();
    }
}
