package org.rlhf4j.algorithms.reward;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import org.rlhf4j.api.feedback.Completion;
import org.rlhf4j.engine.model.EngineThreads;
import org.rlhf4j.engine.model.ScalarScorer;
import org.rlhf4j.engine.model.TransformerWeights;
import org.rlhf4j.engine.tokenizer.SequenceEncoder;

/**
 * Trained scalar models (a reward model, or a cost model) as a reward seam: each completion is encoded as
 * {@code <bos> prompt response <eos>} and scored at its last response token (or the mean of its response tokens, with
 * {@code pooling: mean}) by every member ({@link ScalarScorer}); an ensemble gives {@code mean - conservative * std}
 * (the population standard deviation over members), one model its score.
 *
 * <p><b>Lifetime:</b> an instance owns its members' forward passes (see {@link ScalarScorer}): create one per model
 * and run, and {@link #close} it.
 */
public final class ScalarModels implements RewardFunction, AutoCloseable {
    private final String name;
    private final List<TransformerWeights> members;
    private final double conservative;
    private final ScalarScorer scorer;

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
        this.name = requireNonNull(name, "name is null");
        this.members = List.copyOf(members);
        if (this.members.isEmpty()) {
            throw new IllegalArgumentException("no models");
        }
        for (TransformerWeights member : this.members) {
            if (!member.heads().hasScalar()) {
                throw new IllegalArgumentException("a scalar model needs a scalar head");
            }
        }
        this.conservative = conservative;
        this.scorer = new ScalarScorer(encoder, meanPooling, workers);
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

    /** Scores each {@code (prompts[i], responses[i])} (the ensemble's score, as {@link #score(List)}). */
    public double[] score(List<String> prompts, List<String> responses) {
        if (prompts.size() != responses.size()) {
            throw new IllegalArgumentException(prompts.size() + " prompts for " + responses.size() + " responses");
        }
        List<Completion> completions = new ArrayList<>(prompts.size());
        for (int i = 0; i < prompts.size(); i++) {
            completions.add(new Completion(prompts.get(i), responses.get(i)));
        }
        return scoreAll(completions);
    }

    private double[] scoreAll(List<Completion> completions) {
        int n = completions.size();
        double[][] byMember = new double[members.size()][];
        for (int m = 0; m < members.size(); m++) {
            byMember[m] = scorer.score(members.get(m), completions);
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

    /** Closes the forward passes (idempotent; the instance stays usable and rebuilds them). */
    @Override
    public void close() {
        scorer.close();
    }
}
