package org.rlhf4j.experiment.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.rlhf4j.api.task.GoldScorer;
import org.rlhf4j.engine.generation.GenerationResult;
import org.rlhf4j.engine.generation.Generator;
import org.rlhf4j.engine.generation.SamplingConfig;
import org.rlhf4j.engine.model.Heads;
import org.rlhf4j.engine.model.Nd4jForward;
import org.rlhf4j.engine.model.TransformerConfig;
import org.rlhf4j.engine.model.TransformerWeights;
import org.rlhf4j.engine.random.Rng;
import org.rlhf4j.engine.tokenizer.SpecialTokens;
import org.rlhf4j.engine.tokenizer.TokenizerTrainer;
import org.rlhf4j.engine.tokenizer.WordTokenizer;

/** {@link Evaluator} on hand-checkable pieces: an untrained toy policy, a toy gold scorer. */
class EvaluatorTest {
    private static final WordTokenizer TOKENIZER = new TokenizerTrainer().train(List.of(
            "the cat sat on the mat .", "a dog ran to the park !", "good bad great awful fine"));
    private static final TransformerConfig MODEL = TransformerConfig.of(TOKENIZER.vocabSize(), 16, 2, 1, 12);
    /** Reward: the number of "good" minus "bad"; cost: 1 per "awful". */
    private static final GoldScorer GOLD = new GoldScorer() {
        @Override
        public double reward(String prompt, String response) {
            return count(response, "good") - count(response, "bad");
        }

        @Override
        public double cost(String prompt, String response) {
            return count(response, "awful");
        }
    };

    private static double count(String text, String word) {
        return Arrays.stream(text.split("[ .!]+")).filter(word::equals).count();
    }

    private static Evaluator evaluator(int samplesPerPrompt, int batch) {
        return new Evaluator(GOLD, TOKENIZER, List.of("the cat", "a dog ran", "good"),
                new Evaluator.Settings(samplesPerPrompt, 8, 1.0, 0, 1.0, batch));
    }

    @Test
    void thePolicyAgainstItselfHasZeroKlAndWinRateOneHalf() {
        TransformerWeights policy = TransformerWeights.init(MODEL, Heads.LM, new Rng(1));
        Evaluator evaluator = evaluator(4, 5);
        List<PolicySample> samples = evaluator.sample(policy, 7);
        assertEquals(12, samples.size());
        assertEquals(List.of("the cat", "the cat", "the cat", "the cat"), samples.subList(0, 4).stream().map(PolicySample::prompt).toList());
        assertEquals(List.of(0, 1, 2, 3), samples.subList(0, 4).stream().map(PolicySample::sampleIndex).toList());
        Evaluation evaluation = evaluator.evaluate(samples, policy, policy.frozenCopy(), samples, Optional.empty(), Optional.empty());
        assertEquals(0.0, evaluation.report().klToReference());
        assertEquals(0.0, evaluation.report().klK3());
        assertEquals(0.5, evaluation.report().winRateVsSft());
        double meanReward = samples.stream().mapToDouble(s -> GOLD.reward(s.prompt(), s.response())).average().orElseThrow();
        assertEquals(meanReward, evaluation.report().goldReward(), 1e-12);
        assertEquals(meanReward, evaluation.figures().get("gold_reward").doubleValue(), 1e-12);
        assertEquals(12, evaluation.figures().get("samples"));
        double stopped = samples.stream().filter(s -> s.responseIds()[s.responseIds().length - 1] == SpecialTokens.EOS_ID).count() / 12.0;
        assertEquals(stopped, evaluation.stoppedFraction());
        assertEquals(samples.stream().filter(s -> s.goldCost() > 0).count() / 12.0, evaluation.unsafeFraction());
        // the same seed gives the same samples, another seed others
        assertEquals(samples.stream().map(PolicySample::response).toList(),
                evaluator.sample(policy, 7).stream().map(PolicySample::response).toList());
        assertNotEquals(samples.stream().map(PolicySample::response).toList(),
                evaluator.sample(policy, 8).stream().map(PolicySample::response).toList());
        // one generator held for the run gives the same samples, call after call, and stays the caller's to close
        try (Generator generator = new Generator(policy)) {
            for (int call = 0; call < 2; call++) {
                assertEquals(samples.stream().map(PolicySample::response).toList(),
                        evaluator.sample(generator, 7).stream().map(PolicySample::response).toList());
            }
            try (Nd4jForward forward = new Nd4jForward(policy)) {
                double[][] shared = evaluator.responseLogProbs(forward, samples);
                double[][] own = evaluator.responseLogProbs(policy, samples);
                for (int i = 0; i < samples.size(); i++) {
                    org.junit.jupiter.api.Assertions.assertArrayEquals(own[i], shared[i], 1e-6);
                }
            }
        }
    }

    @Test
    void responseLogProbsMatchTheGeneratorsOwnAndKlIsTheirDifference() {
        TransformerWeights policy = TransformerWeights.init(MODEL, Heads.LM, new Rng(2));
        TransformerWeights reference = TransformerWeights.init(MODEL, Heads.LM, new Rng(3));
        Evaluator evaluator = evaluator(2, 4);
        List<PolicySample> samples = evaluator.sample(policy, 11);
        // the generator reports each sampled token's log-prob under the policy: the same numbers, one row alone
        Generator generator = new Generator(policy, 1);
        double[][] batched = evaluator.responseLogProbs(policy, samples);
        double[][] referenceLogProbs = evaluator.responseLogProbs(reference, samples);
        Nd4jForward referenceForward = new Nd4jForward(reference);
        double expectedKl = 0;
        for (int i = 0; i < samples.size(); i++) {
            PolicySample sample = samples.get(i);
            int[] prompt = sample.promptIds();
            int[] response = sample.responseIds();
            assertEquals(response.length, batched[i].length);
            // reference log-probs of this sample alone, by a plain forward pass without padding
            int[] sequence = new int[prompt.length + response.length];
            System.arraycopy(prompt, 0, sequence, 0, prompt.length);
            System.arraycopy(response, 0, sequence, prompt.length, response.length);
            float[][] all = referenceForward.tokenLogProbs(new int[][] {Arrays.copyOf(sequence, sequence.length - 1)},
                    new int[][] {Arrays.copyOfRange(sequence, 1, sequence.length)});
            for (int t = 0; t < response.length; t++) {
                assertEquals(all[0][prompt.length - 1 + t], referenceLogProbs[i][t], 1e-5, "sample " + i + " token " + t);
                expectedKl += batched[i][t] - referenceLogProbs[i][t];
            }
        }
        // with batches of one row, the first sample is what the generator samples alone with the same seed, and
        // its log-probs (padded into a batch of four by responseLogProbs) are those the generator reported
        PolicySample first = evaluator(2, 1).sample(policy, 11).get(0);
        GenerationResult alone = generator.generate(List.of(first.promptIds()),
                new SamplingConfig(8, 1.0, 0, 1.0, SpecialTokens.EOS_ID, true), new Rng(11));
        org.junit.jupiter.api.Assertions.assertArrayEquals(alone.response(0), first.responseIds());
        double[][] mixed = evaluator.responseLogProbs(policy, List.of(samples.get(1), first, samples.get(2), samples.get(3)));
        for (int t = 0; t < alone.lengths()[0]; t++) {
            assertEquals(alone.logProbs()[0][t], mixed[1][t], 1e-5, "token " + t);
        }
        Evaluation evaluation = evaluator.evaluate(samples, policy, reference, null, Optional.empty(), Optional.empty());
        assertEquals(expectedKl / samples.size(), evaluation.report().klToReference(), 1e-9);
        assertEquals(KlEstimator.K1.mean(batched, referenceLogProbs), evaluation.report().klToReference(), 1e-12);
        assertTrue(Double.isNaN(evaluation.report().winRateVsSft()));
    }

    @Test
    void rewardAndCostModelsAreComparedWithGold() {
        List<PolicySample> samples = new ArrayList<>();
        String[] responses = {"good good", "bad", "good awful", "fine", "awful awful bad", "good"};
        for (int i = 0; i < responses.length; i++) {
            String prompt = i < 3 ? "p" : "q";
            samples.add(new PolicySample(prompt, i % 3, new int[] {SpecialTokens.BOS_ID}, TOKENIZER.encode(responses[i]),
                    responses[i], false, GOLD.reward(prompt, responses[i]), GOLD.cost(prompt, responses[i]), java.util.Set.of()));
        }
        TransformerWeights policy = TransformerWeights.init(MODEL, Heads.LM, new Rng(4));
        Evaluator evaluator = evaluator(3, 4);
        ResponseScorer perfect = (prompts, texts) -> texts.stream().mapToDouble(text -> GOLD.reward("", text)).toArray();
        ResponseScorer reversed = (prompts, texts) -> texts.stream().mapToDouble(text -> -GOLD.cost("", text)).toArray();
        Evaluation evaluation = evaluator.evaluate(samples, policy, policy, null, Optional.of(perfect), Optional.of(reversed));
        assertEquals(1.0, evaluation.rewardModelAccuracy().orElseThrow());
        assertEquals(1.0, evaluation.rewardModelPearson().orElseThrow(), 1e-12);
        // pairs of the same prompt with different gold cost: p: (0,2), (1,2); q: (3,4), (4,5); -cost orders every one wrong
        assertEquals(0.0, evaluation.costModelAccuracy().orElseThrow());
        assertEquals(-1.0, evaluation.costModelPearson().orElseThrow(), 1e-12);
        assertEquals(1.0, evaluation.figures().get("reward_model_accuracy"));
        // a model that scores half the reward pairs right: constant scores tie every pair (0.5 each)
        ResponseScorer constant = (prompts, texts) -> new double[texts.size()];
        assertEquals(0.5, evaluator.evaluate(samples, policy, policy, null, Optional.of(constant), Optional.empty())
                .rewardModelAccuracy().orElseThrow());
        assertThrows(IllegalArgumentException.class, () -> evaluator.evaluate(samples, policy, policy,
                samples.subList(0, 3), Optional.empty(), Optional.empty()));
    }
}
