package org.rlhf4j.bench.paths;

import java.util.Arrays;
import org.rlhf4j.bench.BenchKeys;
import org.rlhf4j.bench.HotPath;
import org.rlhf4j.engine.model.TransformerWeights;
import org.rlhf4j.engine.optim.AdamW;
import org.rlhf4j.engine.optim.LrSchedule;
import org.rlhf4j.engine.random.Rng;
import org.rlhf4j.engine.sft.LmBatch;
import org.rlhf4j.engine.sft.SftTrainer;

/**
 * One SFT training step (forward + backward + global-norm clipping + AdamW) at a bench shape;
 * counts {@code batch * seq} tokens per step. Runs with {@link org.rlhf4j.engine.model.EngineThreads#trainWorkers()}
 * data-parallel workers, as training does ({@code RLHF_TRAIN_WORKERS=1} for the single pass).
 */
public final class TrainStepPath implements HotPath {
    /**
     * Untimed steps before timing: the JIT compiler keeps a core busy for the first ~60 steps (measured:
     * 26 ms of compiler CPU per step over steps 10-50, 1 ms after 150), which a long training run never sees
     * and which costs the two-worker step its second core.
     */
    static final int WARM_UP_STEPS = 80;
    /** ... or untimed steps for this long, whichever ends first (a large shape's step takes long enough to warm the JIT in fewer). */
    static final long WARM_UP_NANOS = 8_000_000_000L;

    private final BenchModel model;
    private final LmBatch batch;
    private SftTrainer trainer; // built in warmUp (heavy: model, optimizer and activation buffers)
    private double lastLoss = Double.NaN;

    public TrainStepPath(BenchModel model) {
        this.model = model;
        Rng rng = new Rng(3);
        int b = model.batch();
        int t = model.seqLen();
        int[][] ids = model.randomIds(rng, b, t);
        int[][] targets = model.randomIds(rng, b, t);
        // as in torch_reference.py: each row has a random length in [T/2, T]; the loss ignores the rest
        float[][] mask = new float[b][t];
        for (float[] row : mask) {
            Arrays.fill(row, 0, t / 2 + rng.nextInt(t / 2 + 1), 1f);
        }
        batch = new LmBatch(ids, targets, mask);
    }

    @Override
    public String name() {
        return BenchKeys.TRAIN;
    }

    @Override
    public String unit() {
        return "tokens/s";
    }

    @Override
    public void warmUp() {
        AdamW.Config opt = AdamW.Config.defaults(LrSchedule.constant(BenchModel.LR));
        trainer = new SftTrainer(model.weights(1), new SftTrainer.Config(model.batch(), model.seqLen(), opt), new Rng(2));
        long start = System.nanoTime();
        for (int i = 0; i < WARM_UP_STEPS && (i < 3 || System.nanoTime() - start < WARM_UP_NANOS); i++) {
            trainer.trainStep(batch);
        }
    }

    @Override
    public long runOnce() {
        if (trainer == null) {
            throw new IllegalStateException("warmUp first");
        }
        lastLoss = trainer.trainStep(batch);
        return (long) model.batch() * model.seqLen();
    }

    /** The loss of the last timed step (for tests: the step ran). */
    double lastLoss() {
        return lastLoss;
    }

    /** The weights the steps train (for tests). */
    TransformerWeights weights() {
        return trainer.weights();
    }

    @Override
    public void close() {
        if (trainer != null) {
            trainer.close(); // stops its data-parallel worker threads
        }
        trainer = null;
        System.gc(); // lets ND4J free this path's native buffers before the next path runs
    }
}
