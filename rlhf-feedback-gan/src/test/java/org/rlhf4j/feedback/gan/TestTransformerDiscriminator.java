package org.rlhf4j.feedback.gan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.rlhf4j.api.config.ConfigBinder;
import org.rlhf4j.api.feedback.Completion;
import org.rlhf4j.api.feedback.FeedbackContext;
import org.rlhf4j.api.feedback.FeedbackSource;
import org.rlhf4j.api.feedback.Score;
import org.rlhf4j.api.plugin.PluginContext;
import org.rlhf4j.engine.model.Heads;
import org.rlhf4j.engine.model.PolicyBackbone;
import org.rlhf4j.engine.model.TransformerConfig;
import org.rlhf4j.engine.model.TransformerWeights;
import org.rlhf4j.engine.random.Rng;
import org.rlhf4j.engine.tokenizer.SequenceEncoder;
import org.rlhf4j.engine.tokenizer.TokenizerTrainer;
import org.rlhf4j.engine.tokenizer.WordTokenizer;

/**
 * The transformer discriminator through the factory, on a tiny "SFT policy": it needs the engine's backbone, learns
 * to score demonstrations above policy-like fakes, and a source restored from a saved state scores, and goes on
 * learning, exactly as the source it was saved from.
 */
class TestTransformerDiscriminator {
    private static final List<String> GOOD = List.of("great and sturdy .", "excellent , it works well .", "lovely and quiet .",
            "superb value , highly recommended .", "it works well and looks great .");
    private static final List<String> BAD = List.of("broken broken broken", "awful , it broke .", "bad bad bad bad",
            "it broke and smells awful", "terrible terrible .");
    private static final List<String> PROMPTS = List.of("the kettle is", "the lamp is", "the mug is");

    private static final WordTokenizer TOKENIZER = new TokenizerTrainer().train(corpus());

    private static List<String> corpus() {
        List<String> texts = new ArrayList<>();
        for (String prompt : PROMPTS) {
            GOOD.forEach(good -> texts.add(prompt + " " + good));
            BAD.forEach(bad -> texts.add(prompt + " " + bad));
        }
        return texts;
    }

    private static PolicyBackbone backbone() {
        TransformerConfig config = TransformerConfig.of(TOKENIZER.vocabSize(), 16, 2, 1, 16);
        return new PolicyBackbone(TransformerWeights.init(config, Heads.LM, new Rng(5)), new SequenceEncoder(TOKENIZER, 16), 2);
    }

    private static List<Completion> demonstrations() {
        List<Completion> out = new ArrayList<>();
        for (String prompt : PROMPTS) {
            GOOD.forEach(good -> out.add(new Completion(prompt, good)));
        }
        return out;
    }

    private static List<Completion> fakes(int round) {
        List<Completion> out = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            out.add(new Completion(PROMPTS.get((round + i) % PROMPTS.size()), BAD.get((round + i) % BAD.size())));
        }
        return out;
    }

    private static FeedbackSource source(PolicyBackbone backbone, String settings) throws Exception {
        GanDiscriminatorConfig config = ConfigBinder.MAPPER.readValue("{\"lr\": 0.003, \"batch_size\": 8" + settings + "}",
                GanDiscriminatorConfig.class);
        PluginContext context = PluginContext.of(Path.of("."), 3).withService(PolicyBackbone.class, backbone);
        AdversarialDiscriminatorSource source = new AdversarialDiscriminatorSource("gan-discriminator", config, demonstrations(), 9,
                () -> new TransformerDiscriminator(context.service(PolicyBackbone.class).orElseThrow(), config, 9));
        source.open(new FeedbackContext("rlgaf", 0, 0));
        return source;
    }

    private static double[] rewards(FeedbackSource source, List<Completion> completions) {
        return source.score(completions, new FeedbackContext("rlgaf", 0, 0)).stream().mapToDouble(Score::reward).toArray();
    }

    @Test
    void theTransformerModelNeedsTheEnginesBackbone() throws Exception {
        GanDiscriminatorConfig config = ConfigBinder.MAPPER.readValue("{\"demonstrations\": \"demos.jsonl\"}", GanDiscriminatorConfig.class);
        Path directory = java.nio.file.Files.createTempDirectory("gan");
        try {
            java.nio.file.Files.writeString(directory.resolve("demos.jsonl"), "{\"prompt\": \"the mug is\", \"response\": \"great .\"}\n");
            FeedbackSource source = new GanDiscriminatorFactory().create("gan-discriminator", config, PluginContext.of(directory, 0));
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> source.open(new FeedbackContext("a", 0, 0)));
            assertTrue(e.getMessage().contains("use model: ngram"), e.getMessage());
        }
        finally {
            java.nio.file.Files.deleteIfExists(directory.resolve("demos.jsonl"));
            java.nio.file.Files.delete(directory);
        }
    }

    @Test
    void itLearnsToScoreDemonstrationsAboveFakes() throws Exception {
        try (FeedbackSource source = source(backbone(), ", \"d_steps\": 4, \"accuracy_cap\": 1.0")) {
            Map<String, Double> first = source.observe(fakes(0), new FeedbackContext("rlgaf", 0, 10));
            Map<String, Double> last = first;
            for (int round = 1; round < 12; round++) {
                last = source.observe(fakes(round), new FeedbackContext("rlgaf", round, 10 + round));
            }
            System.out.println("discriminator round 1: " + first + "\nround 12: " + last);
            assertEquals(4.0, last.get("discriminator/updates"));
            assertTrue(last.get("discriminator/d_real") > last.get("discriminator/d_fake") + 0.2, last.toString());
            assertTrue(last.get("discriminator/accuracy") > first.get("discriminator/accuracy"), first + " then " + last);
            double[] real = rewards(source, List.of(new Completion("the kettle is", "lovely and quiet .")));
            double[] fake = rewards(source, List.of(new Completion("the kettle is", "bad bad bad bad")));
            assertTrue(real[0] > fake[0], real[0] + " vs " + fake[0]);
        }
    }

    @Test
    void aRestoredSourceScoresAndLearnsExactlyAsTheSavedOne() throws Exception {
        String settings = ", \"d_steps\": 2, \"replay\": 0.5, \"policy_steps_per_round\": 2";
        PolicyBackbone backbone = backbone();
        try (FeedbackSource saved = source(backbone, settings); FeedbackSource restored = source(backbone, settings)) {
            for (int round = 0; round < 3; round++) { // 3 calls: a round pending at the save
                saved.observe(fakes(round), new FeedbackContext("rlgaf", round, round));
            }
            byte[] state = saved.saveState();
            List<Completion> probe = new ArrayList<>(demonstrations().subList(0, 3));
            probe.addAll(fakes(7));
            assertTrue(!java.util.Arrays.equals(rewards(saved, probe), rewards(restored, probe)), "a trained source scores otherwise");
            restored.restoreState(state);
            assertArrayEquals(rewards(saved, probe), rewards(restored, probe), 0.0);
            for (int round = 3; round < 5; round++) {
                FeedbackContext context = new FeedbackContext("rlgaf", round, round);
                assertEquals(saved.observe(fakes(round), context), restored.observe(fakes(round), context));
            }
            assertArrayEquals(rewards(saved, probe), rewards(restored, probe), 0.0);
            assertArrayEquals(saved.saveState(), restored.saveState());
        }
    }
}
