package org.rlhf4j.bench.paths;

import org.rlhf4j.bench.BenchKeys;
import org.rlhf4j.bench.HotPath;
import org.rlhf4j.engine.model.Nd4jForward;
import org.rlhf4j.engine.random.Rng;

/** Per-token log-probs of given sequences on the ND4J forward path at a bench shape (batch x seqLen tokens). */
public final class LogProbPath implements HotPath {
    /** Untimed passes before timing (JIT warm-up, as for the training step), or {@link #WARM_UP_NANOS}, whichever ends first. */
    static final int WARM_UP_PASSES = 60;
    static final long WARM_UP_NANOS = 5_000_000_000L;

    private final BenchModel model;
    private Nd4jForward forward; // built in warmUp
    private float[][] last;
    private final int[][] ids;
    private final int[][] targets;

    public LogProbPath(BenchModel model) {
        this.model = model;
        Rng rng = new Rng(4);
        ids = model.randomIds(rng, model.batch(), model.seqLen());
        targets = model.randomIds(rng, model.batch(), model.seqLen());
    }

    @Override
    public String name() {
        return BenchKeys.LOGPROB;
    }

    @Override
    public String unit() {
        return "tokens/s";
    }

    @Override
    public void warmUp() {
        forward = new Nd4jForward(model.weights(1));
        long start = System.nanoTime();
        for (int i = 0; i < WARM_UP_PASSES && (i < 3 || System.nanoTime() - start < WARM_UP_NANOS); i++) {
            forward.tokenLogProbs(ids, targets);
        }
    }

    @Override
    public long runOnce() {
        if (forward == null) {
            throw new IllegalStateException("warmUp first");
        }
        last = forward.tokenLogProbs(ids, targets);
        return (long) model.batch() * model.seqLen();
    }

    @Override
    public void close() {
        if (forward != null) {
            forward.close(); // its scoring threads and buffers
        }
        forward = null;
        System.gc(); // lets ND4J free this path's native buffers before the next path runs
    }

    /** The log-probs of the last timed pass, one per token (for tests: the pass ran). */
    float[][] lastLogProbs() {
        return last;
    }
}
