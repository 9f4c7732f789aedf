package org.rlhf4j.algorithms.reward;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import java.util.List;
import org.rlhf4j.algorithms.experiment.ResponseScorer;
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
 */
public final class ScalarModels implements RewardFunction, ResponseScorer {
    private static final int BATCH = 64;

    private final String name;
    private final List<TransformerWeights> members;
    private final SequenceEncoder encoder;
    private final double conservative;
    private final boolean meanPooling;

    /**
     * @param name what the models are ({@code reward-model}, {@code cost-model})
     * @param members the trained models (at least one), each with a scalar head
     * @param encoder encodes completions
     * @param conservative the ensemble's penalty on disagreement (0: the mean)
     * @param meanPooling read the mean of the response tokens' hidden states (else the last response token's)
     */
    public ScalarModels(String name, List<TransformerWeights> members, SequenceEncoder encoder, double conservative,
            boolean meanPooling) {
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

    private double[] scoreAll(List<Completion> completions) {
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

    /** The scores of one model. */
    public double[] scoreWith(TransformerWeights model, List<Completion> completions) {
        try (Nd4jForward forward = new Nd4jForward(model)) {
            return scoreWith(forward, model, completions);
        }
    }

    private double[] scoreWith(Nd4jForward forward, TransformerWeights model, List<Completion> completions) {
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
            double[] scores = ScalarHead.forward(forward.hidden(ids), first, last, width, model);
            System.arraycopy(scores, 0, out, start, scores.length);
        }
        return out;
    }
}
