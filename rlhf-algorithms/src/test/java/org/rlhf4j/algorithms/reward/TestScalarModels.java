package org.rlhf4j.algorithms.reward;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.rlhf4j.api.feedback.Completion;
import org.rlhf4j.engine.model.Heads;
import org.rlhf4j.engine.model.Nd4jForward;
import org.rlhf4j.engine.model.ScalarHead;
import org.rlhf4j.engine.model.TransformerConfig;
import org.rlhf4j.engine.model.TransformerWeights;
import org.rlhf4j.engine.random.Rng;
import org.rlhf4j.engine.tokenizer.SequenceEncoder;
import org.rlhf4j.engine.tokenizer.SequenceEncoder.Encoded;
import org.rlhf4j.engine.tokenizer.SpecialTokens;
import org.rlhf4j.engine.tokenizer.WordTokenizer;

/**
 * Scoring gives the scores of the plain forward pass ({@link Nd4jForward#hidden} and {@link ScalarHead}) one sequence
 * at a time, for a full batch of 64 and a remainder, at one token and mean-pooled, for any worker count, with its
 * passes kept between calls and rebuilt after {@link ScalarModels#close}; an ensemble combines its members as
 * documented.
 */
class TestScalarModels {
    private static final int SEQ = 12;
    private static final TransformerConfig CONFIG = TransformerConfig.of(24, 16, 2, 2, SEQ);

    @ParameterizedTest
    @CsvSource({"1, false", "2, false", "3, true"})
    void scoresAreThePlainForwardsScores(int workers, boolean meanPooling) {
        SequenceEncoder encoder = encoder();
        TransformerWeights a = TransformerWeights.init(CONFIG, Heads.SCALAR, new Rng(11));
        TransformerWeights b = TransformerWeights.init(CONFIG, Heads.SCALAR, new Rng(12));
        List<Completion> completions = completions(70); // a batch of 64 and one of 6
        double[] expectedA = plainScores(a, encoder, completions, meanPooling);
        double[] expectedB = plainScores(b, encoder, completions, meanPooling);
        try (ScalarModels one = new ScalarModels("reward-model", List.of(a), encoder, 0, meanPooling, workers);
                ScalarModels two = new ScalarModels("reward-model", List.of(a, b), encoder, 0.5, meanPooling, workers)) {
            for (int call = 0; call < 2; call++) { // the passes are kept and reused
                double[] scores = one.score(completions).rewards();
                double[] ensemble = two.score(completions).rewards();
                for (int i = 0; i < completions.size(); i++) {
                    assertEquals(expectedA[i], scores[i], 1e-5, "completion " + i);
                    double mean = (expectedA[i] + expectedB[i]) / 2;
                    double std = Math.abs(expectedA[i] - expectedB[i]) / 2;
                    assertEquals(mean - 0.5 * std, ensemble[i], 1e-5, "ensemble, completion " + i);
                }
                one.close(); // closing drops the passes; the next call builds them again
            }
            double[] few = one.score(completions.subList(0, 3)).rewards();
            for (int i = 0; i < 3; i++) {
                assertEquals(expectedA[i], few[i], 1e-5, "a batch of 3, completion " + i);
            }
        }
    }

    private static double[] plainScores(TransformerWeights model, SequenceEncoder encoder, List<Completion> completions,
            boolean meanPooling) {
        double[] out = new double[completions.size()];
        try (Nd4jForward forward = new Nd4jForward(model, 1)) {
            for (int i = 0; i < completions.size(); i++) {
                Encoded e = encoder.encode(completions.get(i).prompt(), completions.get(i).response());
                int[][] ids = {Arrays.copyOf(e.tokens(), SEQ)};
                out[i] = ScalarHead.forward(forward.hidden(ids), new int[] {e.first(meanPooling)}, new int[] {e.last()}, SEQ, model)[0];
            }
        }
        return out;
    }

    private static SequenceEncoder encoder() {
        List<String> vocab = new ArrayList<>(SpecialTokens.ALL);
        for (int id = vocab.size(); id < CONFIG.vocabSize(); id++) {
            vocab.add("w" + id);
        }
        return new SequenceEncoder(new WordTokenizer(vocab, false), SEQ);
    }

    private static List<Completion> completions(int n) {
        Rng rng = new Rng(5);
        List<Completion> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            StringBuilder prompt = new StringBuilder("w" + (4 + rng.nextInt(20)));
            StringBuilder response = new StringBuilder();
            int words = 1 + rng.nextInt(8); // some are cut to the context
            for (int j = 0; j < words; j++) {
                response.append(j > 0 ? " " : "").append('w').append(4 + rng.nextInt(20));
            }
            out.add(new Completion(prompt.toString(), response.toString()));
        }
        return out;
    }
}
