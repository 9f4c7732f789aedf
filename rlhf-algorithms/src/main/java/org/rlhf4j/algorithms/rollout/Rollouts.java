package org.rlhf4j.algorithms.rollout;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import org.rlhf4j.api.feedback.Completion;
import org.rlhf4j.engine.generation.GenerationResult;
import org.rlhf4j.engine.generation.Generator;
import org.rlhf4j.engine.generation.SamplingConfig;
import org.rlhf4j.engine.random.Rng;
import org.rlhf4j.engine.tokenizer.SequenceEncoder;
import org.rlhf4j.engine.tokenizer.SequenceEncoder.Encoded;

/**
 * A batch of responses sampled from the current policy: as text for the reward seam, and as token sequences
 * (prompt then response, the {@code <eos>} included when sampled) for the engine's passes.
 *
 * @param completions prompt and decoded response of each row
 * @param sequences prompt and response tokens of each row
 * @param lengths response tokens of each row
 */
public record Rollouts(List<Completion> completions, List<Encoded> sequences, int[] lengths) {
    public Rollouts {
        completions = List.copyOf(completions);
        sequences = List.copyOf(sequences);
        if (completions.size() != sequences.size() || lengths.length != sequences.size()) {
            throw new IllegalArgumentException("rollouts of different sizes");
        }
    }

    /** Rows. */
    public int size() {
        return sequences.size();
    }

    /**
     * Samples one response to each of {@code prompts} with the generator's policy: at most {@code maxNewTokens} tokens
     * (fewer when a prompt leaves less room in the context), at {@code temperature}, stopping at {@code <eos>}.
     */
    public static Rollouts sample(Generator generator, SequenceEncoder encoder, List<String> prompts, int maxNewTokens,
            double temperature, Rng rng) {
        requireNonNull(generator, "generator is null");
        int maxSeqLen = generator.weights().config().maxSeqLen();
        List<int[]> ids = new ArrayList<>(prompts.size());
        int longest = 0;
        for (String prompt : prompts) {
            int[] encoded = encoder.tokenizer().encode(prompt, true, false);
            longest = Math.max(longest, encoded.length);
            ids.add(encoded);
        }
        int maxNew = Math.min(maxNewTokens, maxSeqLen - longest);
        GenerationResult result = generator.generate(ids, new SamplingConfig(maxNew, temperature, 0, 1.0, encoder.tokenizer().eosId(), true), rng);
        List<Completion> completions = new ArrayList<>(prompts.size());
        List<Encoded> sequences = new ArrayList<>(prompts.size());
        int[] lengths = new int[prompts.size()];
        for (int r = 0; r < prompts.size(); r++) {
            int[] response = result.response(r);
            completions.add(new Completion(prompts.get(r), encoder.tokenizer().decode(response)));
            int[] tokens = new int[ids.get(r).length + response.length];
            System.arraycopy(ids.get(r), 0, tokens, 0, ids.get(r).length);
            System.arraycopy(response, 0, tokens, ids.get(r).length, response.length);
            sequences.add(new Encoded(tokens, ids.get(r).length));
            lengths[r] = response.length;
        }
        return new Rollouts(completions, sequences, lengths);
    }

    /** The mean response length. */
    public double meanLength() {
        double sum = 0;
        for (int length : lengths) {
            sum += length;
        }
        return lengths.length > 0 ? sum / lengths.length : 0;
    }
}
