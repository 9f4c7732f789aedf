package org.rlhf4j.experiment;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.rlhf4j.api.config.EvaluationConfig;
import org.rlhf4j.api.config.ExperimentConfig;
import org.rlhf4j.api.config.PolicyConfig;
import org.rlhf4j.api.config.SftConfig;
import org.rlhf4j.api.io.DurableFiles;
import org.rlhf4j.api.io.MetricsLog;
import org.rlhf4j.api.task.Split;
import org.rlhf4j.api.task.Task;
import org.rlhf4j.engine.model.Heads;
import org.rlhf4j.engine.model.TransformerConfig;
import org.rlhf4j.engine.model.TransformerWeights;
import org.rlhf4j.engine.optim.AdamW;
import org.rlhf4j.engine.optim.LrSchedule;
import org.rlhf4j.engine.random.Rng;
import org.rlhf4j.engine.sft.SftExample;
import org.rlhf4j.engine.sft.SftRun;
import org.rlhf4j.engine.sft.SftTrainer;
import org.rlhf4j.engine.tokenizer.WordTokenizer;
import org.rlhf4j.engine.train.ProgressListener;
import org.rlhf4j.experiment.eval.Evaluation;
import org.rlhf4j.experiment.eval.Evaluator;
import org.rlhf4j.experiment.eval.PolicySample;
import org.rlhf4j.experiment.run.RunDirectory;
import org.rlhf4j.experiment.run.RunDirectoryException;
import org.rlhf4j.experiment.run.SampleLines;

/**
 * A task experiment: builds the task's starting policy and evaluates it.
 *
 * <ol>
 *   <li><b>Task build</b>: the task's corpus ({@code sft.corpus_size} texts, the experiment seed), a word
 *       tokenizer trained on it ({@link TaskData}), a transformer policy of the {@code policy} size, and a
 *       checkpointed SFT run ({@link SftRun}: {@code metrics.jsonl}, {@code checkpoints/}).</li>
 *   <li><b>Evaluation</b> of the SFT policy on the task's EVAL prompts ({@link Evaluator}; the reference of
 *       the KL is the SFT policy itself, so its KL is 0 and its win rate against itself 0.5, the baselines
 *       RL arms are measured against).</li>
 * </ol>
 *
 * Outputs, in the run directory: {@code metrics.jsonl} (SFT lines, then one {@code eval/...} line),
 * {@code samples.jsonl} (one line per response, arm {@code sft}), {@code summary.json},
 * {@code tokenizer.json} and {@code checkpoints/} (with {@code tokenizer.json} beside the checkpoints).
 * {@link #run(boolean) run(true)} continues an interrupted run from its newest checkpoint; SFT then
 * continues bit-identically and evaluation is redone.
 */
public final class TaskExperiment {
    /** The arm name of the starting policy in {@code samples.jsonl}. */
    public static final String SFT_ARM = "sft";
    static final String METRICS = RunDirectory.METRICS;
    static final String TOKENIZER = "tokenizer.json";
    static final String CHECKPOINTS = RunDirectory.CHECKPOINTS;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int EVAL_BATCH = 64;
    private static final long INIT_SEED_SALT = 0x1A17L;
    private static final long DATA_SEED_SALT = 0xDA7AL;
    private static final long EVAL_SEED_SALT = 0xE7A1L;
    private static final long HELD_OUT_SEED_SALT = 0x4E1DL;
    /** Held-out texts (drawn with another seed than the SFT corpus) for the perplexity before and after SFT. */
    private static final int HELD_OUT_TEXTS = 512;

    private final ExperimentConfig config;
    private final Task task;
    private final RunDirectory run;
    private final Path outDirectory;
    private final String configJson;
    private final String configFile;
    private final PrintWriter log;
    private ProgressListener progress = ProgressListener.NONE;

    /**
     * @param config a task experiment's config ({@link ExperimentConfig#isTaskExperiment()})
     * @param task the config's task
     * @param run the run directory (opened fresh or for resuming)
     * @param configJson the config as JSON, stored in checkpoints
     * @param configFile where the config came from, for {@code summary.json}
     * @param log progress messages
     */
    public TaskExperiment(ExperimentConfig config, Task task, RunDirectory run, String configJson, String configFile,
            PrintWriter log) {
        this.config = requireNonNull(config, "config is null");
        this.task = requireNonNull(task, "task is null");
        this.run = requireNonNull(run, "run is null");
        this.outDirectory = run.path();
        this.configJson = requireNonNull(configJson, "configJson is null");
        this.configFile = requireNonNull(configFile, "configFile is null");
        this.log = requireNonNull(log, "log is null");
        if (!config.isTaskExperiment()) {
            throw new IllegalArgumentException("not a task experiment: it has 'data' or no 'task'");
        }
    }

    /**
     * Told after every SFT step (arm and phase {@value #SFT_ARM}), in place of the log's "SFT step" lines; returns this
     * experiment.
     */
    public TaskExperiment onStep(ProgressListener listener) {
        this.progress = requireNonNull(listener, "listener is null");
        return this;
    }

    /** Perplexity of held-out task texts under the untrained and the trained policy. */
    record HeldOutPerplexity(int texts, double initial, double last) {}

    /** What a task experiment produced (also written to {@code summary.json}). */
    public record Result(ObjectNode summary, Evaluation sftEvaluation, TransformerWeights policy, WordTokenizer tokenizer,
            Evaluator evaluator, long evalSeed) {}

    /**
     * Runs the experiment.
     *
     * @param resume continue the run in the output directory from its newest checkpoint
     */
    public Result run(boolean resume) throws IOException {
        long started = System.nanoTime();
        PolicyConfig policyConfig = config.policy();
        SftConfig sft = config.sft();
        long seed = config.seed();

        log.printf("Task %s: building the corpus (%d texts), tokenizer and SFT data%n", task.name(), sft.corpusSize());
        log.flush();
        TaskData data = TaskData.prepare(task, seed, sft.corpusSize(), policyConfig.maxVocab());
        WordTokenizer tokenizer = data.tokenizer();
        Path savedTokenizer = SftRun.tokenizerFile(outDirectory.resolve(CHECKPOINTS));
        if (resume && Files.exists(savedTokenizer) && !WordTokenizer.load(savedTokenizer).equals(tokenizer)) {
            throw new RunDirectoryException("cannot resume " + outDirectory + ": the tokenizer differs from the saved one "
                    + "(the task, corpus size, seed or vocabulary limit changed)");
        }
        DurableFiles.write(outDirectory.resolve(TOKENIZER), tokenizer.toJson());
        TransformerConfig modelConfig = new TransformerConfig(tokenizer.vocabSize(), policyConfig.dModel(),
                policyConfig.nHeads(), policyConfig.nLayers(), policyConfig.maxSeqLen(), 4, 1e-5, 0.02);
        TransformerWeights policy = TransformerWeights.init(modelConfig, Heads.LM, new Rng(seed ^ INIT_SEED_SALT));
        log.printf("Policy: vocabulary %d, L=%d D=%d H=%d T=%d, %,d parameters; corpus prepared in %.1f s%n",
                tokenizer.vocabSize(), modelConfig.nLayers(), modelConfig.dModel(), modelConfig.nHeads(),
                modelConfig.maxSeqLen(), policy.numParams(), seconds(started));
        log.flush();

        List<SftExample> heldOut = TaskData.encode(tokenizer, task.corpus(seed ^ HELD_OUT_SEED_SALT, HELD_OUT_TEXTS));
        double initialPerplexity = SftTrainer.perplexity(policy, heldOut, modelConfig.maxSeqLen());

        AdamW.Config optimizer = new AdamW.Config(new LrSchedule(sft.lr(), sft.warmup(), sft.steps(), sft.minLrRatio()),
                0.9, 0.95, 1e-8, sft.weightDecay(), sft.maxGradNorm());
        SftRun sftRun = new SftRun(policy, new SftTrainer.Config(sft.batchSize(), modelConfig.maxSeqLen(), optimizer),
                seed ^ DATA_SEED_SALT, data.examples(),
                new SftRun.Options(sft.steps(), sft.logEvery(), sft.checkpointEvery(), sft.keepCheckpoints()),
                outDirectory.resolve(METRICS), outDirectory.resolve(CHECKPOINTS), configJson, Optional.of(tokenizer));
        int progressEvery = Math.max(sft.checkpointEvery(), sft.steps() / 10);
        sftRun.afterStep(step -> {
            progress.stepDone(SFT_ARM, SFT_ARM, step, sft.steps());
            if (progress == ProgressListener.NONE && (step % progressEvery == 0 || step == sft.steps())) { // else the listener shows it
                log.printf("SFT step %d/%d (%.0f s)%n", step, sft.steps(), seconds(started));
                log.flush();
            }
        });
        SftRun.Result trained = sftRun.run(resume);
        double buildSeconds = seconds(started);
        log.printf("Task build: %.1f s (SFT %d steps from step %d in %.1f s)%n", buildSeconds, trained.steps(),
                trained.resumedFrom(), trained.seconds());
        HeldOutPerplexity perplexity = new HeldOutPerplexity(heldOut.size(), initialPerplexity,
                SftTrainer.perplexity(policy, heldOut, modelConfig.maxSeqLen()));
        log.printf("Held-out perplexity (%d texts): %.1f untrained -> %.2f after SFT%n", perplexity.texts(),
                perplexity.initial(), perplexity.last());
        log.flush();

        Evaluator evaluator = evaluator(tokenizer);
        long evalSeed = seed ^ EVAL_SEED_SALT;
        List<PolicySample> samples = evaluator.sample(policy, evalSeed);
        TransformerWeights reference = policy.frozenCopy();
        Evaluation evaluation = evaluator.evaluate(samples, policy, reference, samples, Optional.empty(), Optional.empty());
        run.writeSamples(SampleLines.of(SFT_ARM, samples));
        writeEvaluationMetrics(sft.steps(), evaluation);
        ObjectNode summary = summary(data, modelConfig, policy, trained, perplexity, buildSeconds, evaluation,
                seconds(started));
        run.writeSummary(summary);
        log.printf("SFT policy on %d EVAL samples: gold reward %.3f (sd %.3f), gold cost %.3f, %.1f tokens, distinct-2 %.3f%n",
                samples.size(), evaluation.report().goldReward(), evaluation.goldRewardStd(), evaluation.report().goldCost(),
                evaluation.report().responseTokens(), evaluation.report().distinct2());
        log.flush();
        return new Result(summary, evaluation, policy, tokenizer, evaluator, evalSeed);
    }

    /** The evaluator of this experiment's {@code evaluation} settings on the task's EVAL prompts. */
    Evaluator evaluator(WordTokenizer tokenizer) {
        EvaluationConfig settings = config.evaluation();
        List<String> prompts = task.prompts(Split.EVAL);
        if (settings.prompts() > 0 && settings.prompts() < prompts.size()) {
            prompts = prompts.subList(0, settings.prompts());
        }
        return new Evaluator(task.goldScorer(), tokenizer, prompts, new Evaluator.Settings(settings.samplesPerPrompt(),
                settings.maxNewTokens(), settings.temperature(), settings.topK(), settings.topP(), EVAL_BATCH));
    }

    /** Replaces the evaluation line of an earlier attempt (if any) with this evaluation's. */
    private void writeEvaluationMetrics(long step, Evaluation evaluation) throws IOException {
        run.dropMetrics(line -> line.has("eval/gold_reward"));
        Map<String, Object> line = new java.util.LinkedHashMap<>();
        line.put("step", step);
        line.put("arm", SFT_ARM);
        line.put("phase", "eval");
        evaluation.figures().forEach((name, value) -> line.put("eval/" + name, value));
        run.append(line);
    }

    private ObjectNode summary(TaskData data, TransformerConfig modelConfig, TransformerWeights policy, SftRun.Result trained,
            HeldOutPerplexity perplexity, double buildSeconds, Evaluation evaluation, double wallSeconds) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("name", config.name());
        root.put("kind", "task");
        root.put("task", task.name());
        root.put("seed", config.seed());
        root.put("config", configFile);
        root.put("task_build_seconds", buildSeconds);
        root.put("wall_seconds", wallSeconds);
        root.put("resumed_from_step", trained.resumedFrom());
        ObjectNode policyNode = root.putObject("policy");
        policyNode.put("vocab_size", modelConfig.vocabSize());
        policyNode.put("d_model", modelConfig.dModel());
        policyNode.put("n_layers", modelConfig.nLayers());
        policyNode.put("n_heads", modelConfig.nHeads());
        policyNode.put("max_seq_len", modelConfig.maxSeqLen());
        policyNode.put("params", policy.numParams());
        List<JsonNode> lines = MetricsLog.readLines(outDirectory.resolve(METRICS));
        List<JsonNode> sftLines = lines.stream().filter(line -> line.has("sft/loss")).toList();
        ObjectNode sftNode = root.putObject("sft");
        sftNode.put("steps", trained.steps());
        sftNode.put("corpus_size", data.corpus().size());
        sftNode.put("batch_size", config.sft().batchSize());
        sftNode.put("first_loss", sftLines.isEmpty() ? Double.NaN : sftLines.get(0).get("sft/loss").asDouble());
        sftNode.put("final_loss", sftLines.isEmpty() ? Double.NaN : sftLines.get(sftLines.size() - 1).get("sft/loss").asDouble());
        sftNode.put("train_seconds", trained.seconds());
        sftNode.put("heldout_texts", perplexity.texts());
        sftNode.put("heldout_perplexity_init", perplexity.initial());
        sftNode.put("heldout_perplexity_final", perplexity.last());
        sftNode.put("tokens_per_second", sftLines.stream().mapToDouble(line -> line.get("sft/tokens_per_second").asDouble())
                .average().orElse(Double.NaN));
        ObjectNode evaluationNode = root.putObject("sft_evaluation");
        evaluationNode.put("prompts", evaluation.samples().stream().map(PolicySample::prompt).distinct().count());
        evaluationNode.put("samples_per_prompt", config.evaluation().samplesPerPrompt());
        evaluation.putFigures(evaluationNode);
        root.putArray("arms");
        return root;
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }
}
