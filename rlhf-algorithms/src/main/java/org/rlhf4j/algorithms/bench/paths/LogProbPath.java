package org.rlhf4j.algorithms.bench.paths;

import org.rlhf4j.algorithms.bench.BenchKeys;
import org.rlhf4j.algorithms.bench.HotPath;
import org.rlhf4j.algorithms.model.Nd4jForward;
import org.rlhf4j.algorithms.util.Rng;

/** Per-token log-probs of given sequences on the ND4J forward path at the bench size (batch 32 x 48 tokens). */
public final class LogProbPath implements HotPath {
    private Nd4jForward forward; // built in warmUp
    private final int[][] ids;
    private final int[][] targets;

    public LogProbPath() {
        Rng rng = new Rng(4);
        ids = BenchModel.randomIds(rng, BenchModel.BATCH, BenchModel.SEQ);
        targets = BenchModel.randomIds(rng, BenchModel.BATCH, BenchModel.SEQ);
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
        forward = new Nd4jForward(BenchModel.weights(1));
        for (int i = 0; i < 60; i++) { // JIT warm-up, as for the training step
            forward.tokenLogProbs(ids, targets);
        }
    }

    @Override
    public long runOnce() {
        if (forward == null) {
            throw new IllegalStateException("warmUp first");
        }
        forward.tokenLogProbs(ids, targets);
        return (long) BenchModel.BATCH * BenchModel.SEQ;
    }

    @Override
    public void close() {
        forward = null;
        System.gc(); // lets ND4J free this path's native buffers before the next path runs
    }
}
