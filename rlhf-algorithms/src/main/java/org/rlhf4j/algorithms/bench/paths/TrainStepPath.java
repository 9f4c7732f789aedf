package org.rlhf4j.algorithms.bench.paths;

import java.util.Arrays;
import org.rlhf4j.algorithms.bench.BenchKeys;
import org.rlhf4j.algorithms.bench.HotPath;
import org.rlhf4j.algorithms.optim.AdamW;
import org.rlhf4j.algorithms.optim.LrSchedule;
import org.rlhf4j.algorithms.sft.LmBatch;
import org.rlhf4j.algorithms.sft.SftTrainer;
import org.rlhf4j.algorithms.util.Rng;

/**
 * One SFT training step (forward + backward + global-norm clipping + AdamW) at the bench size;
 * counts {@code batch * seq} tokens per step. Runs with {@link org.rlhf4j.algorithms.model.EngineThreads#trainWorkers()}
 * data-parallel workers, as training does ({@code RLHF_TRAIN_WORKERS=1} for the single pass).
 */
public final class TrainStepPath implements HotPath {
    /**
     * Untimed steps before timing: the JIT compiler keeps a core busy for the first ~60 steps (measured:
     * 26 ms of compiler CPU per step over steps 10-50, 1 ms after 150), which a long training run never sees
     * and which costs the two-worker step its second core.
     */
    static final int WARM_UP_STEPS = 80;

    private final LmBatch batch;
    private SftTrainer trainer; // built in warmUp (heavy: model, optimizer and activation buffers)

    public TrainStepPath() {
        Rng rng = new Rng(3);
        int[][] ids = BenchModel.randomIds(rng, BenchModel.BATCH, BenchModel.SEQ);
        int[][] targets = BenchModel.randomIds(rng, BenchModel.BATCH, BenchModel.SEQ);
        // as in torch_reference.py: each row has a random length in [T/2, T]; the loss ignores the rest
        float[][] mask = new float[BenchModel.BATCH][BenchModel.SEQ];
        for (float[] row : mask) {
            Arrays.fill(row, 0, BenchModel.SEQ / 2 + rng.nextInt(BenchModel.SEQ / 2 + 1), 1f);
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
        trainer = new SftTrainer(BenchModel.weights(1), new SftTrainer.Config(BenchModel.BATCH, BenchModel.SEQ, opt), new Rng(2));
        for (int i = 0; i < WARM_UP_STEPS; i++) {
            trainer.trainStep(batch);
        }
    }

    @Override
    public long runOnce() {
        if (trainer == null) {
            throw new IllegalStateException("warmUp first");
        }
        trainer.trainStep(batch);
        return (long) BenchModel.BATCH * BenchModel.SEQ;
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
