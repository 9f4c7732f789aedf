package org.rlhf4j.engine.train;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.rlhf4j.engine.checkpoint.Checkpoint;
import org.rlhf4j.engine.checkpoint.CheckpointStore;
import org.rlhf4j.engine.model.TransformerWeights;
import org.rlhf4j.engine.optim.AdamW;

/**
 * Runs the optimizer steps of one training phase of an arm (a reward model, a cost model, DPO):
 * {@code step.compute(batch)} leaves the batch's gradients in {@code gradients}, the loop checks them,
 * applies AdamW, logs and checkpoints.
 *
 * <ul>
 *   <li><b>Non-finite guard</b>: a step whose loss or gradient norm is NaN or infinite is skipped (no update)
 *       and counted ({@code <phase>/skipped_steps}); after {@code maxNonFinite} such steps in a row the run
 *       stops with {@link NonFiniteLossException}, its last checkpoint untouched.</li>
 *   <li><b>Metrics</b>: every {@code logEvery} steps one line {@code {arm, phase, step, <phase>/loss, <phase>/lr,
 *       <phase>/grad_norm, <phase>/skipped_steps, ...the step's metrics}}, means over the window.</li>
 *   <li><b>Checkpoints</b> every {@code checkpointEvery} steps (rounded up to a multiple of {@code logEvery}, so a
 *       checkpoint never falls inside a logging window) and at the last step, marked complete. A resumed loop
 *       loads the newest checkpoint, drops the metrics lines after it and continues; the batches depend only on
 *       the step ({@link DataOrder}), so it ends with the numbers of an uninterrupted run.</li>
 * </ul>
 */
public final class TrainingLoop {
    /** One training step's forward and backward pass. */
    @FunctionalInterface
    public interface Step {
        /** Computes the loss of the examples {@code batch} and leaves its gradients in the loop's gradient map. */
        StepResult compute(int[] batch);

        /**
         * The same for optimizer step {@code step} (counting from 1); steps that draw random numbers (rollouts)
         * seed them from the step, so a resumed run draws the same ones. The default ignores the step.
         */
        default StepResult compute(long step, int[] batch) {
            return compute(batch);
        }

        /**
         * Whether the step applies its own optimizer updates (PPO's epochs of minibatches), guarding each against
         * non-finite values itself: the loop then neither updates nor measures the gradient, and a step is
         * non-finite when its loss is. False by default.
         */
        default boolean updatesItself() {
            return false;
        }
    }

    /** Where the loop writes its metrics lines. */
    public interface MetricsSink {
        /** Appends one line. */
        void append(Map<String, Object> line);

        /** Drops this phase's lines after {@code step} (a resumed phase redoes them). */
        void dropAfter(String arm, String phase, long step) throws IOException;
    }

    /**
     * @param arm the arm's name
     * @param phase the phase's name, also the metric prefix ({@code reward_model}, {@code cost_model}, {@code dpo})
     * @param steps optimizer steps
     * @param logEvery steps per metrics line
     * @param checkpointEvery steps between checkpoints
     * @param maxNonFinite consecutive non-finite steps that stop the run
     */
    public record Options(String arm, String phase, int steps, int logEvery, int checkpointEvery, int maxNonFinite) {
        public Options {
            requireNonNull(arm, "arm is null");
            requireNonNull(phase, "phase is null");
            if (steps < 1 || logEvery < 1 || checkpointEvery < 1 || maxNonFinite < 1) {
                throw new IllegalArgumentException("bad training options: " + steps + " steps, log every " + logEvery
                        + ", checkpoint every " + checkpointEvery + ", at most " + maxNonFinite + " non-finite steps");
            }
            logEvery = Math.min(logEvery, steps);
            checkpointEvery = ((checkpointEvery + logEvery - 1) / logEvery) * logEvery;
        }
    }

    /**
     * What the loop did.
     *
     * @param steps the step reached
     * @param resumedFrom the checkpoint step this process started from (0 for a fresh start)
     * @param skippedSteps non-finite steps skipped in this process
     * @param lastLoss the mean loss of the last logging window ({@code NaN} when no step ran in this process)
     * @param seconds wall-clock seconds spent in this process
     */
    public record Result(long steps, long resumedFrom, int skippedSteps, double lastLoss, double seconds) {}

    private static final String COMPLETE = "complete";

    private final TransformerWeights weights;
    private final AdamW optimizer;
    private final Map<String, INDArray> gradients;
    private final DataOrder order;
    private final Options options;
    private final MetricsSink metrics;
    private static final String STATE_PREFIX = "state/";

    private final CheckpointStore store;
    private final Map<String, State> states = new LinkedHashMap<>();
    private final String configJson;
    private ProgressListener progress = ProgressListener.NONE;

    /**
     * @param weights the model trained (overwritten by a checkpoint on resume)
     * @param optimizer its optimizer
     * @param gradients where {@link Step#compute} leaves the gradients, by parameter name (every parameter)
     * @param order the data order
     * @param options steps, logging and checkpoints
     * @param metrics where metrics lines go
     * @param store the phase's own checkpoint store
     * @param configJson the run's config, stored in checkpoints
     */
    public TrainingLoop(TransformerWeights weights, AdamW optimizer, Map<String, INDArray> gradients, DataOrder order,
            Options options, MetricsSink metrics, CheckpointStore store, String configJson) {
        this.weights = requireNonNull(weights, "weights is null");
        this.optimizer = requireNonNull(optimizer, "optimizer is null");
        this.gradients = requireNonNull(gradients, "gradients is null");
        this.order = requireNonNull(order, "order is null");
        this.options = requireNonNull(options, "options is null");
        this.metrics = requireNonNull(metrics, "metrics is null");
        this.store = requireNonNull(store, "store is null");
        this.configJson = requireNonNull(configJson, "configJson is null");
    }

    /** Tells {@code listener} after every step. */
    /**
     * Training state beyond the trained model and its optimizer that a checkpoint must hold for an exact resume: a
     * critic and its optimizer, a KL controller, a Lagrange multiplier, a learning source's discriminator. Scalars
     * travel as one-element arrays.
     */
    public interface State {
        /** Copies of the state's arrays by name (the loop stores them, so they must not change afterwards). */
        Map<String, INDArray> export();

        /** Restores what {@link #export()} gave. */
        void restore(Map<String, INDArray> arrays);
    }

    /**
     * Saves {@code state} with every checkpoint under {@code name} and restores it on resume; returns this loop.
     */
    public TrainingLoop withState(String name, State state) {
        requireNonNull(name, "name is null");
        requireNonNull(state, "state is null");
        if (name.isEmpty() || name.contains("/") || states.containsKey(name)) {
            throw new IllegalArgumentException("state name '" + name + "' is empty, holds '/' or is taken");
        }
        states.put(name, state);
        return this;
    }

    public TrainingLoop onStep(ProgressListener listener) {
        this.progress = requireNonNull(listener, "listener is null");
        return this;
    }

    /** True when the store holds this phase's final checkpoint. */
    public static boolean isComplete(CheckpointStore store) throws IOException {
        Optional<Checkpoint> latest = store.loadLatest();
        return latest.isPresent() && "true".equals(latest.get().metadata().get(COMPLETE));
    }

    /**
     * Trains to {@link Options#steps()}, from the newest checkpoint when {@code resume} (a finished phase only
     * loads its final weights).
     */
    public Result run(boolean resume, Step step) throws IOException {
        requireNonNull(step, "step is null");
        long start = 0;
        Optional<Checkpoint> latest = resume ? store.loadLatest() : Optional.empty();
        if (latest.isPresent()) {
            Checkpoint checkpoint = latest.get();
            weights.assign(TransformerWeights.of(weights.config(), weights.heads(), new HashMap<>(checkpoint.model())));
            optimizer.importState(checkpoint.optimizerState(), checkpoint.step());
            for (Map.Entry<String, State> state : states.entrySet()) {
                state.getValue().restore(stateArrays(checkpoint.optimizerState(), state.getKey()));
            }
            start = checkpoint.step();
        }
        metrics.dropAfter(options.arm(), options.phase(), start);
        long began = System.nanoTime();
        String prefix = options.phase() + "/";
        Map<String, Double> window = new TreeMap<>();
        int windowSteps = 0;
        int skippedInWindow = 0;
        int skipped = 0;
        int inARow = 0;
        double lastLoss = Double.NaN;
        for (long s = start + 1; s <= options.steps(); s++) {
            double lr = optimizer.currentLr();
            StepResult result = step.compute(s, order.batch(s));
            double norm = step.updatesItself() ? 0 : optimizer.gradientNorm(gradients);
            if (!Double.isFinite(result.loss()) || !Double.isFinite(norm)) {
                skipped++;
                skippedInWindow++;
                if (++inARow >= options.maxNonFinite()) {
                    throw new NonFiniteLossException("arm '" + options.arm() + "', " + options.phase() + ": " + inARow
                            + " steps in a row with a non-finite loss or gradient (last: loss " + result.loss() + ", gradient norm "
                            + norm + ") at step " + s + "; stopped, the last good checkpoint is kept");
                }
            }
            else {
                inARow = 0;
                windowSteps++;
                window.merge(prefix + "loss", result.loss(), Double::sum);
                if (!step.updatesItself()) {
                    optimizer.update(gradients, norm); // the norm computed once, for the check and the clipping
                    window.merge(prefix + "grad_norm", norm, Double::sum);
                }
                result.metrics().forEach((name, value) -> window.merge(name, value, Double::sum));
            }
            if (s % options.logEvery() == 0 || s == options.steps()) {
                Map<String, Object> line = new LinkedHashMap<>();
                line.put("arm", options.arm());
                line.put("phase", options.phase());
                line.put("step", s);
                for (Map.Entry<String, Double> e : window.entrySet()) {
                    line.put(e.getKey(), windowSteps > 0 ? e.getValue() / windowSteps : Double.NaN);
                }
                line.put(prefix + "lr", lr);
                line.put(prefix + "skipped_steps", skippedInWindow);
                metrics.append(line);
                lastLoss = windowSteps > 0 ? window.getOrDefault(prefix + "loss", Double.NaN) / windowSteps : Double.NaN;
                window.clear();
                windowSteps = 0;
                skippedInWindow = 0;
            }
            // the listener first (PPO's gold monitor writes its line for this step there): a checkpoint holds only steps whose
            // lines are all written, so a run killed between the two redoes the step, line included
            progress.stepDone(options.arm(), options.phase(), s, options.steps());
            if (s % options.checkpointEvery() == 0 || s == options.steps()) {
                save(s, s == options.steps());
            }
        }
        return new Result(Math.max(start, options.steps()), start, skipped, lastLoss, (System.nanoTime() - began) / 1e9);
    }

    private void save(long step, boolean complete) throws IOException {
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("kind", options.phase());
        metadata.put("arm", options.arm());
        metadata.put(COMPLETE, Boolean.toString(complete));
        Map<String, INDArray> optimizerState = new LinkedHashMap<>(optimizer.exportArrays());
        for (Map.Entry<String, State> state : states.entrySet()) {
            state.getValue().export().forEach((name, array) -> optimizerState.put(STATE_PREFIX + state.getKey() + "/" + name, array));
        }
        store.save(new Checkpoint(step, weights.asMap(), optimizerState, new long[0], configJson, metadata));
    }

    /** The arrays a checkpoint holds for the state saved under {@code name}, by their own names. */
    private static Map<String, INDArray> stateArrays(Map<String, INDArray> saved, String name) {
        String prefix = STATE_PREFIX + name + "/";
        Map<String, INDArray> out = new HashMap<>();
        saved.forEach((key, array) -> {
            if (key.startsWith(prefix)) {
                out.put(key.substring(prefix.length()), array);
            }
        });
        if (out.isEmpty()) {
            throw new IllegalStateException("the checkpoint holds no state '" + name + "' to resume from");
        }
        return out;
    }
}
