package org.rlhf4j.engine.sft;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongConsumer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.rlhf4j.api.io.DurableFiles;
import org.rlhf4j.api.io.MetricsLog;
import org.rlhf4j.engine.checkpoint.Checkpoint;
import org.rlhf4j.engine.checkpoint.CheckpointStore;
import org.rlhf4j.engine.model.TransformerWeights;
import org.rlhf4j.engine.optim.TrainerState;
import org.rlhf4j.engine.random.Rng;
import org.rlhf4j.engine.tokenizer.WordTokenizer;

/**
 * A checkpointed SFT run: trains with {@link SftTrainer}, appends one line per logged step to a
 * {@code metrics.jsonl} and saves a checkpoint every {@code checkpointEvery} steps (and at the last
 * step) through a {@link CheckpointStore}; {@link #run(boolean) run(true)} continues from the newest
 * checkpoint.
 *
 * <h2>Exact resume</h2>
 * A checkpoint holds the model arrays, the AdamW moments, the data permutation, the trainer's RNG state,
 * its step, epoch and cursor, the run's config JSON and the partial sums of the current logging window;
 * the tokenizer (when given) is saved beside the checkpoints as {@code tokenizer.json}. Resuming rebuilds
 * the trainer, imports that state and goes on, so every later loss is bit-identical to the uninterrupted
 * run's. Before going on, {@code metrics.jsonl} is repaired: a torn last line is cut off and the lines of
 * steps after the checkpoint (which are about to be recomputed) are dropped (lines that name an {@code arm}, a
 * task experiment's arms' and evaluations', are left to their own phases), so no line is lost or
 * written twice. A metrics line is written before the checkpoint of the same step, so a crash between the
 * two only repeats work.
 *
 * <h2>Metrics</h2>
 * Per logged step ({@code log_every}): {@code step}, {@code epoch} (fractional: steps over
 * steps per epoch), {@code sft/loss} (the mean loss of the
 * steps since the previous line), {@code sft/lr} (the learning rate of the last of them),
 * {@code sft/tokens} (trained response tokens so far) and {@code sft/tokens_per_second} (over the window,
 * wall-clock; the only figure that differs between runs). The gradient norm is not reported:
 * {@link SftTrainer} does not expose it.
 */
public final class SftRun {
    /** The {@code metadata} key prefix of this class's checkpoint entries. */
    static final String KIND = "sft";

    /**
     * How long to train and how often to log and save.
     *
     * @param steps total optimizer steps of the run
     * @param logEvery steps per metrics line
     * @param checkpointEvery steps between checkpoints (the last step is always saved)
     * @param keepCheckpoints how many of the newest checkpoints to keep (0: all)
     */
    public record Options(int steps, int logEvery, int checkpointEvery, int keepCheckpoints) {
        public Options {
            if (steps < 1 || logEvery < 1 || checkpointEvery < 1 || keepCheckpoints < 0) {
                throw new IllegalArgumentException("bad SFT run options: steps " + steps + ", log every " + logEvery
                        + ", checkpoint every " + checkpointEvery + ", keep " + keepCheckpoints);
            }
        }
    }

    /**
     * What a run did.
     *
     * @param steps the optimizer step reached
     * @param resumedFrom the checkpoint step this process started from (0 for a fresh start)
     * @param lastLoss the mean loss of the last logging window ({@code NaN} when no step ran in this process)
     * @param seconds wall-clock seconds spent training in this process
     */
    public record Result(long steps, long resumedFrom, double lastLoss, double seconds) {}

    private final TransformerWeights weights;
    private final SftTrainer.Config trainerConfig;
    private final long seed;
    private final List<SftExample> data;
    private final Options options;
    private final Path metricsFile;
    private final Path checkpointRoot;
    private final String configJson;
    private final Optional<WordTokenizer> tokenizer;
    private LongConsumer afterStep = step -> {};

    /**
     * @param weights the policy to train, in its initial state (on resume it is overwritten by the checkpoint)
     * @param trainerConfig the trainer's batch, sequence length and optimizer
     * @param seed seeds the trainer's data order
     * @param data the training examples
     * @param options steps and logging/checkpoint intervals
     * @param metricsFile the {@code metrics.jsonl} to append to
     * @param checkpointRoot the checkpoint directory ({@code checkpoints/})
     * @param configJson the run's configuration as JSON, stored in every checkpoint
     * @param tokenizer the tokenizer, saved beside the checkpoints as {@code tokenizer.json}
     */
    public SftRun(TransformerWeights weights, SftTrainer.Config trainerConfig, long seed, List<SftExample> data,
            Options options, Path metricsFile, Path checkpointRoot, String configJson, Optional<WordTokenizer> tokenizer) {
        this.weights = requireNonNull(weights, "weights is null");
        this.trainerConfig = requireNonNull(trainerConfig, "trainerConfig is null");
        this.seed = seed;
        this.data = List.copyOf(requireNonNull(data, "data is null"));
        this.options = requireNonNull(options, "options is null");
        this.metricsFile = requireNonNull(metricsFile, "metricsFile is null");
        this.checkpointRoot = requireNonNull(checkpointRoot, "checkpointRoot is null");
        this.configJson = requireNonNull(configJson, "configJson is null");
        this.tokenizer = requireNonNull(tokenizer, "tokenizer is null");
    }

    /** Called after every optimizer step with the step reached (progress reports, tests). */
    public SftRun afterStep(LongConsumer listener) {
        this.afterStep = requireNonNull(listener, "listener is null");
        return this;
    }

    /** The file the tokenizer is saved to beside the checkpoints. */
    public static Path tokenizerFile(Path checkpointRoot) {
        return checkpointRoot.resolve("tokenizer.json");
    }

    /**
     * Trains to {@link Options#steps()}.
     *
     * @param resume continue from the newest checkpoint (a fresh start when there is none); without it the
     *     metrics file is started anew
     * @throws IOException if a file cannot be read or written
     */
    public Result run(boolean resume) throws IOException {
        CheckpointStore store = CheckpointStore.open(checkpointRoot, options.keepCheckpoints());
        try (SftTrainer trainer = new SftTrainer(weights, trainerConfig, new Rng(seed))) {
            return run(resume, store, trainer);
        }
    }

    private Result run(boolean resume, CheckpointStore store, SftTrainer trainer) throws IOException {
        Window window = new Window();
        long tokens = 0;
        long start = 0;
        Optional<Checkpoint> latest = resume ? store.loadLatest() : Optional.empty();
        if (latest.isPresent()) {
            Checkpoint checkpoint = latest.get();
            trainer.importState(toState(checkpoint));
            start = checkpoint.step();
            window.lossSum = Double.parseDouble(checkpoint.metadata().get("window_loss_sum"));
            window.steps = Integer.parseInt(checkpoint.metadata().get("window_steps"));
            tokens = Long.parseLong(checkpoint.metadata().get("tokens"));
        }
        if (tokenizer.isPresent()) {
            DurableFiles.write(tokenizerFile(checkpointRoot), tokenizer.get().toJson());
        }
        long began = System.nanoTime();
        double lastLoss = Double.NaN;
        long from = start;
        // only SFT's own lines (they name no arm) after the checkpoint: an arm's lines in the same file (a task experiment's)
        // have steps of their own and are the arm's phases to repair
        try (MetricsLog metrics = resume ? MetricsLog.resume(metricsFile, line -> line.has("arm") || line.path("step").asLong(
                Long.MAX_VALUE) <= from) : MetricsLog.create(metricsFile)) {
            long windowStart = System.nanoTime();
            long windowTokens = 0;
            for (long step = start + 1; step <= options.steps(); step++) {
                LmBatch batch = LmBatch.of(trainer.nextBatch(data), trainerConfig.batchSize(), trainerConfig.seqLen());
                double lr = trainerConfig.optimizer().schedule().lr(step - 1);
                double loss = trainer.trainStep(batch);
                window.lossSum += loss;
                window.steps++;
                tokens += batch.maskedTokens();
                windowTokens += batch.maskedTokens();
                if (step % options.logEvery() == 0 || step == options.steps()) {
                    double seconds = (System.nanoTime() - windowStart) / 1e9;
                    lastLoss = window.lossSum / window.steps;
                    Map<String, Object> line = new LinkedHashMap<>();
                    line.put("step", step);
                    line.put("epoch", (double) step / (data.size() / trainerConfig.batchSize()));
                    line.put("sft/loss", lastLoss);
                    line.put("sft/lr", lr);
                    line.put("sft/tokens", tokens);
                    line.put("sft/tokens_per_second", seconds > 0 ? windowTokens / seconds : 0.0);
                    metrics.append(line);
                    window.lossSum = 0;
                    window.steps = 0;
                    windowStart = System.nanoTime();
                    windowTokens = 0;
                }
                if (step % options.checkpointEvery() == 0 || step == options.steps()) {
                    store.save(toCheckpoint(trainer.exportState(), window, tokens));
                }
                afterStep.accept(step);
            }
        }
        return new Result(Math.max(start, options.steps()), start, lastLoss, (System.nanoTime() - began) / 1e9);
    }

    /** The partial sums of the logging window in progress; saved in checkpoints so resumed means are exact. */
    private static final class Window {
        double lossSum;
        int steps;
    }

    private Checkpoint toCheckpoint(TrainerState state, Window window, long tokens) {
        Map<String, INDArray> model = new HashMap<>();
        Map<String, INDArray> optimizer = new HashMap<>();
        state.arrays().forEach((name, array) -> (weights.has(name) ? model : optimizer).put(name, array));
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("kind", state.meta().kind());
        metadata.put("epoch", Long.toString(state.meta().epoch()));
        metadata.put("cursor", Integer.toString(state.meta().cursor()));
        metadata.put("window_loss_sum", Double.toString(window.lossSum));
        metadata.put("window_steps", Integer.toString(window.steps));
        metadata.put("tokens", Long.toString(tokens));
        return new Checkpoint(state.meta().optimizerStep(), model, optimizer, state.meta().rngState(), configJson, metadata);
    }

    private static TrainerState toState(Checkpoint checkpoint) {
        Map<String, INDArray> arrays = new HashMap<>(checkpoint.model());
        arrays.putAll(checkpoint.optimizerState());
        Map<String, String> metadata = checkpoint.metadata();
        if (!KIND.equals(metadata.get("kind"))) {
            throw new IllegalArgumentException("checkpoint of step " + checkpoint.step() + " is not an SFT checkpoint: "
                    + metadata.get("kind"));
        }
        return new TrainerState(arrays, new TrainerState.Meta(KIND, checkpoint.step(), checkpoint.rngState(),
                Long.parseLong(metadata.get("epoch")), Integer.parseInt(metadata.get("cursor"))));
    }
}
