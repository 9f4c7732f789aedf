package org.rlhf4j.algorithms.reward;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.rlhf4j.algorithms.experiment.ResponseScorer;
import org.rlhf4j.algorithms.model.EngineThreads;
import org.rlhf4j.algorithms.model.Nd4jForward;
import org.rlhf4j.algorithms.model.ScalarHead;
import org.rlhf4j.algorithms.model.TransformerWeights;
import org.rlhf4j.algorithms.preference.SequenceEncoder;
import org.rlhf4j.algorithms.preference.SequenceEncoder.Encoded;
import org.rlhf4j.api.feedback.Completion;

/**
 * Trained scalar models (a reward model, or a cost model) as a reward seam: each completion is encoded as
 * {@code <bos> prompt response <eos>} and scored at {@code <eos>} by every member; an ensemble gives
 * {@code mean - conservative * std} (the population standard deviation over members), one model its score.
 *
 * <p>Scoring runs {@link Nd4jForward#hidden}, {@value #BATCH} sequences at a time. <b>Lifetime:</b> an instance owns
 * one {@link Nd4jForward} per model, built on first use and kept for later calls, so create one per model and run, not
 * per call; {@link #close} closes them (they are rebuilt if the instance is used again). Calls are serialised.
 *
 * <p>Not the buffered pass of training ({@code ShardedBackprop.forward}, 1.7-2.5x faster here): its float arithmetic
 * differs in the last bits (its GELU, its attention products), and PPO's and GRPO's runs amplify a reward's last bits
 * into other samples (measured: {@code reviews-ppo.yaml}'s PPO arm moved from gold 0.757 to 0.641-0.682), which would
 * change every documented result of an online arm (bench/README.md, "Engine work ...").
 */
public final class ScalarModels implements RewardFunction, ResponseScorer, AutoCloseable {
    private static final int BATCH = 64;

    private final String name;
    private final List<TransformerWeights> members;
    private final SequenceEncoder encoder;
    private final double conservative;
    private final boolean meanPooling;
    private final int workers;
    /** One forward pass per model scored so far. */
    private final Map<TransformerWeights, Nd4jForward> forwards = new IdentityHashMap<>();

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
     * As {@link #ScalarModels(String, List, SequenceEncoder, double, boolean)}, with {@code workers} for the forward passes
     * it owns (they do not change the scores).
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
