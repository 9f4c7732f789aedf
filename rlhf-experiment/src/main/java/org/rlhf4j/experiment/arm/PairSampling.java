package org.rlhf4j.experiment.arm;

import java.util.ArrayList;
import java.util.List;
import org.rlhf4j.api.feedback.Comparison;
import org.rlhf4j.engine.generation.GenerationResult;
import org.rlhf4j.engine.generation.Generator;
import org.rlhf4j.engine.generation.SamplingConfig;
import org.rlhf4j.engine.random.Rng;
import org.rlhf4j.engine.tokenizer.Tokenizer;

/** Two responses to each prompt, sampled from a policy in one batch: the pairs a feedback source or an annotator labels. */
public final class PairSampling {
    private PairSampling() {}

    /**
     * Samples two responses to each of {@code prompts} (full vocabulary, stopping at {@code <eos>}), at most
     * {@code maxNewTokens} each and as many as the context leaves after the longest prompt.
     *
     * @param promptsName what the prompts are, for the error when one leaves no room ({@code a TRAIN prompt})
     * @throws IllegalArgumentException when the longest prompt fills the context
     */
    public static List<Comparison> sample(Generator generator, Tokenizer tokenizer, int maxSeqLen, List<String> prompts,
            int maxNewTokens, double temperature, Rng rng, String promptsName) {
        List<int[]> ids = new ArrayList<>(2 * prompts.size());
        int longest = 0;
        for (String prompt : prompts) {
            int[] encoded = tokenizer.encode(prompt, true, false);
            ids.add(encoded);
            ids.add(encoded);
            longest = Math.max(longest, encoded.length);
        }
        int maxNew = Math.min(maxNewTokens, maxSeqLen - longest);
        if (maxNew < 1) {
            throw new IllegalArgumentException(promptsName + " of " + longest + " tokens leaves no room in a context of " + maxSeqLen);
        }
        GenerationResult result = generator.generate(ids, new SamplingConfig(maxNew, temperature, 0, 1.0, tokenizer.eosId(), true),
                rng);
        List<Comparison> comparisons = new ArrayList<>(prompts.size());
        for (int i = 0; i < prompts.size(); i++) {
            comparisons.add(new Comparison(prompts.get(i), tokenizer.decode(result.response(2 * i)),
                    tokenizer.decode(result.response(2 * i + 1))));
        }
        return comparisons;
    }
}
