package org.rlhf4j.algorithms.reward;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.rlhf4j.algorithms.experiment.ResponseScorer;
import org.rlhf4j.algorithms.model.EngineThreads;
import org.rlhf4j.algorithms.model.ScalarHead;
import org.rlhf4j.algorithms.model.ShardedBackprop;
import org.rlhf4j.algorithms.model.TransformerWeights;
import org.rlhf4j.algorithms.preference.SequenceEncoder;
import org.rlhf4j.algorithms.preference.SequenceEncoder.Encoded;
import org.rlhf4j.api.feedback.Completion;

/**
 * Trained scalar models (a reward model, or a cost model) as a reward seam: each completion is encoded as
 * {@code <bos> prompt response <eos>} and scored at {@code <eos>} by every member; an ensemble gives
 * {@code mean - conservative * std} (the population standard deviation over members), one model its score.
 *
 * <p>Scoring runs on the engine's buffered, data-parallel forward pass ({@link ShardedBackprop#forward}, the pass the
 * critic's values and training use), {@value #BATCH} sequences at a time. <b>Lifetime:</b> an instance owns those
 * passes (activation buffers and worker threads), built on first use for each member and batch size and kept for
 * later calls, so create one per model and run, not per call; {@link #close} stops the threads (idle ones also retire
 * on their own) and drops the buffers, which are rebuilt if the instance is used again. Calls are serialised.
 */
public final class ScalarModels implements RewardFunction, ResponseScorer, AutoCloseable {
    private static final int BATCH = 64;

    private final String name;
    private final List<TransformerWeights> members;
    private final SequenceEncoder encoder;
    private final double conservative;
    private final boolean meanPooling;
    private final int workers;
    /** Per model: the pass of {@value #BATCH} rows and the pass of the last smaller batch seen. */
    private final Map<TransformerWeights, Passes> passes = new IdentityHashMap<>();

    /** A model's buffered forward passes. */
    private static final class Passes {
        ShardedBackprop full;
        ShardedBackprop rest;

        void close() {
            if (full != null) {
                full.close();
            }
            if (rest != null) {
                rest.close();
            }
        }
    }

    /**
     * @param name what the models are ({@code reward-model}, {@code cost-model})
     * @param members the trained models (at least one), each with a scalar head
     * @param encoder encodes completions
     * @param conservative the ensemble's penalty on disagreement (0: the mean)
     * @param meanPooling read the mean of the response tokens' hidden states (else the last response token's)
     */
    public ScalarModels(String name, List<TransformerWeights> members, SequenceEncoder encoder, double conservative,
            boolean meanPooling) {
        this(name, members, encoder, conservative, meanPooling, EngineThreads.trainWorkers());
    }

    /**
     * As {@link #ScalarModels(String, List, SequenceEncoder, double, boolean)}, scoring each batch in {@code workers}
     * concurrent row shards (the scores do not depend on it beyond float rounding).
     */
    public ScalarModels(String name, List<TransformerWeights> members, SequenceEncoder encoder, double conservative,
            boolean meanPooling, int workers) {
        if (workers < 1) {
            throw new IllegalArgumentException("workers must be positive: " + workers);
        }
        this.workers = workers;
        this.name = requireNonNull(name, "name is null");
        this.members = List.copyOf(members);
        this.encoder = requireNonNull(encoder, "encoder is null");
        if (this.members.isEmpty()) {
            throw new IllegalArgumentException("no models");
        }
        for (TransformerWeights member : this.members) {
            if (!member.heads().hasScalar()) {
                throw new IllegalArgumentException("a scalar model needs a scalar head");
            }
        }
        this.conservative = conservative;
        this.meanPooling = meanPooling;
    }

    /** The members. */
    public List<TransformerWeights> members() {
        return members;
    }

    @Override
    public String describe() {
        return name;
    }

    @Override
    public Rewards score(List<Completion> completions) {
        return Rewards.of(scoreAll(completions));
    }

    @Override
    public double[] score(List<String> prompts, List<String> responses) {
        if (prompts.size() != responses.size()) {
            throw new IllegalArgumentException(prompts.size() + " prompts for " + responses.size() + " responses");
        }
        List<Completion> completions = new java.util.ArrayList<>(prompts.size());
        for (int i = 0; i < prompts.size(); i++) {
            completions.add(new Completion(prompts.get(i), responses.get(i)));
        }
        return scoreAll(completions);
    }

    private synchronized double[] scoreAll(List<Completion> completions) {
        int n = completions.size();
        double[][] byMember = new double[members.size()][];
        for (int m = 0; m < members.size(); m++) {
            byMember[m] = scoreWith(members.get(m), completions);
        }
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            double mean = 0;
            for (double[] scores : byMember) {
                mean += scores[i];
            }
            mean /= members.size();
            double variance = 0;
            for (double[] scores : byMember) {
                variance += (scores[i] - mean) * (scores[i] - mean);
            }
            out[i] = mean - conservative * Math.sqrt(variance / members.size());
        }
        return out;
    }

    /** The scores of one model (a member, or any scalar-head model over the same encoder's context). */
    public synchronized double[] scoreWith(TransformerWeights model, List<Completion> completions) {
        requireNonNull(model, "model is null");
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
            int offset = start;
            pass(model, ids.length, width).forward(ids, false, shard -> {
                int from = shard.fromRow();
                int to = shard.toRow();
                double[] scores = ScalarHead.forward(shard.hidden(), Arrays.copyOfRange(first, from, to),
                        Arrays.copyOfRange(last, from, to), width, model);
                System.arraycopy(scores, 0, out, offset + from, scores.length);
                return 0;
            });
        }
        return out;
    }

    /** The buffered pass of {@code model} for batches of {@code rows}: kept for {@value #BATCH} rows and for the last other size. */
    private ShardedBackprop pass(TransformerWeights model, int rows, int width) {
        if (!model.heads().hasScalar()) {
            throw new IllegalArgumentException("a scalar model needs a scalar head");
        }
        Passes p = passes.computeIfAbsent(model, m -> new Passes());
        if (rows == BATCH) {
            if (p.full == null) {
                p.full = new ShardedBackprop(model, rows, width, workers, 1, Map.of());
            }
            return p.full;
        }
        if (p.rest == null || p.rest.batch() != rows) {
            if (p.rest != null) {
                p.rest.close();
            }
            p.rest = new ShardedBackprop(model, rows, width, workers, 1, Map.of());
        }
        return p.rest;
    }

    /** Stops the scoring threads and drops the buffers (idempotent; the instance stays usable and rebuilds them). */
    @Override
    public synchronized void close() {
        passes.values().forEach(Passes::close);
        passes.clear();
    }
}
