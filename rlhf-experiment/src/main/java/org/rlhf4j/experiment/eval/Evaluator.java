package org.rlhf4j.experiment.eval;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.ToDoubleFunction;
import org.rlhf4j.api.task.GoldScore;
import org.rlhf4j.api.task.GoldScorer;
import org.rlhf4j.engine.generation.GenerationResult;
import org.rlhf4j.engine.generation.Generator;
import org.rlhf4j.engine.generation.SamplingConfig;
import org.rlhf4j.engine.model.Nd4jForward;
import org.rlhf4j.engine.model.TransformerWeights;
import org.rlhf4j.engine.random.Rng;
import org.rlhf4j.engine.tokenizer.SpecialTokens;
import org.rlhf4j.engine.tokenizer.Tokenizer;

/**
 * Evaluates policies on a fixed prompt set (a task's EVAL prompts): samples {@code samplesPerPrompt}
 * responses per prompt with {@link Generator} (seeded), decodes them, scores them with the gold scorer,
 * and computes {@link EvaluationReport}'s figures plus the spread of gold reward, the unsafe and stopped
 * fractions and, when a reward or cost model is given, its agreement with gold.
 *
 * <p>Prompts are encoded as {@code <bos>} followed by the prompt's tokens; generation stops at
 * {@code <eos>} or after {@code maxNewTokens} tokens (fewer when the prompt leaves less room in the
 * context). The KL to the reference is {@link org.rlhf4j.experiment.eval.KlEstimator#K1 k1}: the policy's
 * minus the reference's log-probability of each response token of the policy's own samples (both from
 * {@link Nd4jForward#sequenceLogProbs}), summed over the response, averaged over samples.
 */
public final class Evaluator {
    /**
     * How to sample.
     *
     * @param samplesPerPrompt responses per prompt
     * @param maxNewTokens the most tokens per response
     * @param temperature sampling temperature (0: greedy)
     * @param topK top-k filter (0: off)
     * @param topP nucleus threshold (1: off)
     * @param batchSize rows per generation and scoring batch
     */
    public record Settings(int samplesPerPrompt, int maxNewTokens, double temperature, int topK, double topP, int batchSize) {
        public Settings {
            if (samplesPerPrompt < 1 || maxNewTokens < 1 || batchSize < 1) {
                throw new IllegalArgumentException("samplesPerPrompt, maxNewTokens and batchSize must be positive");
            }
            new SamplingConfig(maxNewTokens, temperature, topK, topP, SpecialTokens.EOS_ID, true); // same checks
        }
    }

    private final GoldScorer gold;
    private final Tokenizer tokenizer;
    private final List<String> prompts;
    private final Settings settings;

    public Evaluator(GoldScorer gold, Tokenizer tokenizer, List<String> prompts, Settings settings) {
        this.gold = requireNonNull(gold, "gold is null");
        this.tokenizer = requireNonNull(tokenizer, "tokenizer is null");
        this.prompts = List.copyOf(requireNonNull(prompts, "prompts is null"));
        this.settings = requireNonNull(settings, "settings is null");
        if (this.prompts.isEmpty()) {
            throw new IllegalArgumentException("no prompts");
        }
    }

    /** The prompts, in order. */
    public List<String> prompts() {
        return prompts;
    }

    /**
     * Samples every prompt {@code samplesPerPrompt} times, prompt-major, with randomness from {@code seed}, on a
     * generator of its own that is closed before returning. Callers that sample repeatedly should hold one
     * {@link Generator} for the run and use {@link #sample(Generator, long)}.
     */
    public List<PolicySample> sample(TransformerWeights policy, long seed) {
        requireNonNull(policy, "policy is null");
        try (Generator generator = new Generator(policy)) {
            return sample(generator, seed);
        }
    }

    /**
     * Samples every prompt {@code samplesPerPrompt} times, prompt-major, with randomness from {@code seed}, from
     * {@code generator}'s policy; the generator stays open (it is the caller's).
     */
    public List<PolicySample> sample(Generator generator, long seed) {
        requireNonNull(generator, "generator is null");
        TransformerWeights policy = generator.weights();
        int maxSeqLen = policy.config().maxSeqLen();
        List<String> rowPrompts = new ArrayList<>();
        List<Integer> rowIndex = new ArrayList<>();
        for (String prompt : prompts) {
            for (int s = 0; s < settings.samplesPerPrompt(); s++) {
                rowPrompts.add(prompt);
                rowIndex.add(s);
            }
        }
        Rng rng = new Rng(seed);
        List<PolicySample> samples = new ArrayList<>(rowPrompts.size());
        for (int start = 0; start < rowPrompts.size(); start += settings.batchSize()) {
            int end = Math.min(rowPrompts.size(), start + settings.batchSize());
            List<int[]> ids = new ArrayList<>();
            int longest = 0;
            for (String prompt : rowPrompts.subList(start, end)) {
                int[] encoded = tokenizer.encode(prompt, true, false);
                if (encoded.length >= maxSeqLen) {
                    throw new IllegalArgumentException("prompt of " + encoded.length + " tokens leaves no room in a context of "
                            + maxSeqLen + ": " + prompt);
                }
                ids.add(encoded);
                longest = Math.max(longest, encoded.length);
            }
            int maxNew = Math.min(settings.maxNewTokens(), maxSeqLen - longest);
            SamplingConfig sampling = new SamplingConfig(maxNew, settings.temperature(), settings.topK(), settings.topP(),
                    tokenizer.eosId(), true);
            GenerationResult result = generator.generate(ids, sampling, rng);
            for (int row = 0; row < ids.size(); row++) {
                int[] response = result.response(row);
                boolean stopped = response.length > 0 && response[response.length - 1] == tokenizer.eosId();
                String prompt = rowPrompts.get(start + row);
                String text = tokenizer.decode(response);
                GoldScore score = gold.score(prompt, text);
                samples.add(new PolicySample(prompt, rowIndex.get(start + row), ids.get(row), response, text, stopped,
                        score.reward(), score.cost(), score.harmCategories()));
            }
        }
        return samples;
    }

    /**
     * The log-probability {@code model} gives each response token of each sample, given its prompt and
     * the response tokens before it (on a forward pass of its own, closed before returning).
     */
    public double[][] responseLogProbs(TransformerWeights model, List<PolicySample> samples) {
        requireNonNull(model, "model is null");
        try (Nd4jForward forward = new Nd4jForward(model)) {
            return responseLogProbs(forward, samples);
        }
    }

    /** As {@link #responseLogProbs(TransformerWeights, List)} on the caller's {@code forward} (left open). */
    public double[][] responseLogProbs(Nd4jForward forward, List<PolicySample> samples) {
        requireNonNull(forward, "forward is null");
        requireNonNull(samples, "samples is null");
        double[][] out = new double[samples.size()][];
        for (int start = 0; start < samples.size(); start += settings.batchSize()) {
            List<PolicySample> chunk = samples.subList(start, Math.min(samples.size(), start + settings.batchSize()));
            int width = 2;
            for (PolicySample sample : chunk) {
                width = Math.max(width, sample.promptIds().length + sample.responseIds().length);
            }
            int[][] sequences = new int[chunk.size()][width];
            float[][] mask = new float[chunk.size()][width];
            for (int b = 0; b < chunk.size(); b++) {
                int[] prompt = chunk.get(b).promptIds();
                int[] response = chunk.get(b).responseIds();
                System.arraycopy(prompt, 0, sequences[b], 0, prompt.length);
                System.arraycopy(response, 0, sequences[b], prompt.length, response.length);
                Arrays.fill(mask[b], prompt.length, prompt.length + response.length, 1f);
            }
            float[][] logProbs = forward.sequenceLogProbs(sequences, mask);
            for (int b = 0; b < chunk.size(); b++) {
                int promptLength = chunk.get(b).promptIds().length;
                double[] row = new double[chunk.get(b).responseIds().length];
                for (int t = 0; t < row.length; t++) {
                    row[t] = logProbs[b][promptLength + t - 1];
                }
                out[start + b] = row;
            }
        }
        return out;
    }

    /**
     * Evaluates a policy's samples.
     *
     * @param samples the policy's samples (from {@link #sample})
     * @param policy the policy that produced them
     * @param reference the reference policy of the KL (usually the SFT policy)
     * @param sftSamples the SFT policy's samples of the same prompts, for the win rate; {@code null} to skip it
     * @param rewardModel a learned reward model to compare with gold reward, if any
     * @param costModel a learned cost model to compare with gold cost, if any
     */
    public Evaluation evaluate(List<PolicySample> samples, TransformerWeights policy, TransformerWeights reference,
            List<PolicySample> sftSamples, Optional<ResponseScorer> rewardModel, Optional<ResponseScorer> costModel) {
        requireNonNull(samples, "samples is null");
        requireNonNull(rewardModel, "rewardModel is null");
        requireNonNull(costModel, "costModel is null");
        List<String> samplePrompts = samples.stream().map(PolicySample::prompt).toList();
        List<String> responses = samples.stream().map(PolicySample::response).toList();
        List<String> sftResponses = null;
        if (sftSamples != null) {
            if (!sftSamples.stream().map(PolicySample::prompt).toList().equals(samplePrompts)) {
                throw new IllegalArgumentException("the SFT samples are not of the same prompts, in the same order");
            }
            sftResponses = sftSamples.stream().map(PolicySample::response).toList();
        }
        EvaluationReport report = EvaluationReport.evaluate(gold, samplePrompts, responses, sftResponses,
                responseLogProbs(policy, samples), responseLogProbs(reference, samples));
        double[] rewards = samples.stream().mapToDouble(PolicySample::goldReward).toArray();
        double mean = Arrays.stream(rewards).average().orElseThrow();
        double variance = Arrays.stream(rewards).map(r -> (r - mean) * (r - mean)).sum() / rewards.length;
        double unsafe = samples.stream().filter(sample -> sample.goldCost() > 0).count() / (double) samples.size();
        double stopped = samples.stream().filter(PolicySample::stopped).count() / (double) samples.size();
        OptionalDouble rewardAccuracy = OptionalDouble.empty();
        OptionalDouble rewardPearson = OptionalDouble.empty();
        if (rewardModel.isPresent()) {
            double[] scores = rewardModel.get().score(samplePrompts, responses);
            rewardAccuracy = pairwiseAccuracy(samples, scores, PolicySample::goldReward);
            rewardPearson = OptionalDouble.of(Correlation.pearson(scores, rewards));
        }
        OptionalDouble costAccuracy = OptionalDouble.empty();
        OptionalDouble costPearson = OptionalDouble.empty();
        if (costModel.isPresent()) {
            double[] scores = costModel.get().score(samplePrompts, responses);
            costAccuracy = pairwiseAccuracy(samples, scores, PolicySample::goldCost);
            costPearson = OptionalDouble.of(Correlation.pearson(scores, samples.stream().mapToDouble(PolicySample::goldCost).toArray()));
        }
        return new Evaluation(samples, report, Math.sqrt(variance), unsafe, stopped, rewardAccuracy, rewardPearson,
                costAccuracy, costPearson);
    }

    /**
     * Pairwise accuracy of model scores against a gold score, over every pair of samples of the same prompt
     * whose gold scores differ; empty when there is no such pair.
     */
    static OptionalDouble pairwiseAccuracy(List<PolicySample> samples, double[] scores, ToDoubleFunction<PolicySample> goldOf) {
        if (scores.length != samples.size()) {
            throw new IllegalArgumentException("the model returned " + scores.length + " scores for " + samples.size() + " samples");
        }
        List<Double> chosen = new ArrayList<>();
        List<Double> rejected = new ArrayList<>();
        for (int i = 0; i < samples.size(); i++) {
            for (int j = i + 1; j < samples.size() && samples.get(j).prompt().equals(samples.get(i).prompt()); j++) {
                double gi = goldOf.applyAsDouble(samples.get(i));
                double gj = goldOf.applyAsDouble(samples.get(j));
                if (gi != gj) {
                    chosen.add(gi > gj ? scores[i] : scores[j]);
                    rejected.add(gi > gj ? scores[j] : scores[i]);
                }
            }
        }
        if (chosen.isEmpty()) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of(PairwiseAccuracy.of(chosen.stream().mapToDouble(Double::doubleValue).toArray(),
                rejected.stream().mapToDouble(Double::doubleValue).toArray()));
    }
}
