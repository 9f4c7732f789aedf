package org.rlhf4j.engine.model;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.rlhf4j.api.feedback.Completion;
import org.rlhf4j.engine.tokenizer.SequenceEncoder;
import org.rlhf4j.engine.tokenizer.SequenceEncoder.Encoded;

/**
 * Scores completions with scalar-head models (reward, cost and value models, a discriminator): each completion is
 * encoded as {@code <bos> prompt response <eos>} and read at its last response token (or, with mean pooling, at the
 * mean of its response tokens' hidden states).
 *
 * <p>Scoring runs {@link Nd4jForward#hidden}, {@value #BATCH} sequences at a time. <b>Lifetime:</b> an instance owns
 * one {@link Nd4jForward} per model it scored, built on first use and kept for later calls, so create one per model and
 * run, not per call; {@link #close} closes them (they are rebuilt if the instance is used again). Calls are serialised.
 *
 * <p>Not the buffered pass of training ({@code ShardedBackprop.forward}, 1.7-2.5x faster here): its float arithmetic
 * differs in the last bits (its GELU, its attention products), and PPO's and GRPO's runs amplify a reward's last bits
 * into other samples (measured: {@code reviews-ppo.yaml}'s PPO arm moved from gold 0.757 to 0.641-0.682), which would
 * change every documented result of an online arm (bench/README.md, "Engine work ...").
 */
public final class ScalarScorer implements AutoCloseable {
    private static final int BATCH = 64;

    private final SequenceEncoder encoder;
    private final boolean meanPooling;
    private final int workers;
    /** One forward pass per model scored so far. */
    private final Map<TransformerWeights, Nd4jForward> forwards = new IdentityHashMap<>();

    /**
     * @param encoder encodes completions
     * @param meanPooling read the mean of the response tokens' hidden states (else the last response token's)
     * @param workers threads of the forward passes it owns (they do not change the scores)
     */
    public ScalarScorer(SequenceEncoder encoder, boolean meanPooling, int workers) {
        if (workers < 1) {
            throw new IllegalArgumentException("workers must be positive: " + workers);
        }
        this.encoder = requireNonNull(encoder, "encoder is null");
        this.meanPooling = meanPooling;
        this.workers = workers;
    }

    /** The scores of {@code model} (a scalar-head model over this encoder's context), one per completion. */
    public synchronized double[] score(TransformerWeights model, List<Completion> completions) {
        requireNonNull(model, "model is null");
        if (!model.heads().hasScalar()) {
            throw new IllegalArgumentException("a scalar model needs a scalar head");
        }
        int width = encoder.maxSeqLen();
        double[] out = new double[completions.size()];
        for (int start = 0; start < completions.size(); start += BATCH) {
            int end = Math.min(completions.size(), start + BATCH);
            int[][] ids = new int[end - start][];
            int[] first = new int[end - start];
            int[] last = new int[end - start];
            for (int i = start; i < end; i++) {
                Encoded encoded = encoder.encode(completions.get(i).prompt(), completions.get(i).response());
                ids[i - start] = Arrays.copyOf(encoded.tokens(), width);
                first[i - start] = encoded.first(meanPooling);
                last[i - start] = encoded.last();
            }
            Nd4jForward forward = forwards.computeIfAbsent(model, m -> new Nd4jForward(m, workers));
            double[] scores = ScalarHead.forward(forward.hidden(ids), first, last, width, model);
            System.arraycopy(scores, 0, out, start, scores.length);
        }
        return out;
    }

    /** Closes the forward passes (idempotent; the instance stays usable and rebuilds them). */
    @Override
    public synchronized void close() {
        forwards.values().forEach(Nd4jForward::close);
        forwards.clear();
    }
}
