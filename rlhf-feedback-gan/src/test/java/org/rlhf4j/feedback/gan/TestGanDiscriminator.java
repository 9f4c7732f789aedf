package org.rlhf4j.feedback.gan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rlhf4j.api.feedback.Choice;
import org.rlhf4j.api.feedback.Comparison;
import org.rlhf4j.api.feedback.Completion;
import org.rlhf4j.api.feedback.FeedbackContext;
import org.rlhf4j.api.feedback.Preference;
import org.rlhf4j.api.plugin.PluginContext;

class TestGanDiscriminator {
    private static final FeedbackContext CONTEXT = new FeedbackContext("arm", 0, 0);

    private static final List<String> DEMOS = List.of(
            "The kettle boils water quickly and the handle stays cool.",
            "Solid build, quiet motor, and the blender crushes ice with ease.",
            "The headphones fit well and the sound is clear at every volume.",
            "Battery life is excellent; the phone lasts two full days.",
            "The vacuum is light, easy to empty, and picks up pet hair.",
            "Comfortable shoes with good support for long walks.",
            "The lamp gives warm, even light and the switch feels sturdy.",
            "Fast delivery, careful packaging, and the mug arrived intact.",
            "The chair is easy to assemble and the cushion is firm.",
            "Clear instructions, and the drill has plenty of power.",
            "The backpack has useful pockets and the zips run smoothly.",
            "The toaster browns bread evenly on both sides.");
    private static final List<String> FAKES = List.of(
            "good good good good good",
            "buy now buy now buy now",
            "great great product product great",
            "best best best best ever ever",
            "wow wow amazing amazing wow",
            "five stars five stars five stars",
            "good product good product good",
            "love it love it love it love",
            "nice nice nice nice nice nice",
            "best product best best product");
    private static final String HELD_OUT_DEMO = "The kettle is quiet, and the handle feels sturdy and cool.";
    private static final String HELD_OUT_FAKE = "great great great buy buy now";

    @TempDir
    Path directory;

    private GanDiscriminatorSource discriminator(String settings, long seed) throws IOException {
        Path demos = directory.resolve("demos.jsonl");
        StringBuilder jsonl = new StringBuilder();
        for (String demo : DEMOS) {
            jsonl.append("{\"prompt\": \"Review it.\", \"response\": \"").append(demo).append("\"}\n");
        }
        Files.writeString(demos, jsonl);
        GanDiscriminatorConfig config = org.rlhf4j.api.config.ConfigBinder.MAPPER.readValue(
                "{\"model\": \"ngram\", \"demonstrations\": \"demos.jsonl\"" + settings + "}", GanDiscriminatorConfig.class);
        return (GanDiscriminatorSource) new GanDiscriminatorFactory().create("gan-discriminator", config,
                PluginContext.of(directory, seed));
    }

    private static List<Completion> fakes() {
        return FAKES.stream().map(text -> new Completion("Review it.", text)).toList();
    }

    @Test
    void untrainedDiscriminatorTiesEverything() throws IOException {
        GanDiscriminatorSource source = discriminator("", 1);
        assertTrue(source.learnsFromPolicy());
        assertEquals(0.5, source.probabilityReal(HELD_OUT_DEMO));
        assertEquals(Choice.TIE, source.compare(List.of(new Comparison("p", HELD_OUT_DEMO, HELD_OUT_FAKE)), CONTEXT).get(0).better());
    }

    @Test
    void afterTrainingItRanksAHeldOutDemoAboveAHeldOutFake() throws IOException {
        GanDiscriminatorSource source = discriminator(", \"d_steps\": 40, \"lr\": 1.0", 1);
        Map<String, Double> first = source.observe(fakes(), CONTEXT);
        Map<String, Double> last = first;
        for (int round = 1; round < 5; round++) {
            last = source.observe(fakes(), new FeedbackContext("arm", round, round));
        }
        // training separates the pools and the loss falls below log 2 = 0.693 (chance)
        // measured: loss 0.278 after round 1, 0.072 after round 5; D(held-out demo) 0.962, D(held-out fake) 0.084
        assertTrue(last.get("discriminator/loss") < 0.15, last.toString());
        assertTrue(last.get("discriminator/loss") < first.get("discriminator/loss"), first + " -> " + last);
        assertEquals(1.0, last.get("discriminator/accuracy"), last.toString());
        assertTrue(last.get("discriminator/d_real") > 0.9 && last.get("discriminator/d_fake") < 0.1, last.toString());

        double demo = source.probabilityReal(HELD_OUT_DEMO);
        double fake = source.probabilityReal(HELD_OUT_FAKE);
        assertTrue(demo > 0.9, "D(held-out demo) = " + demo);
        assertTrue(fake < 0.15, "D(held-out fake) = " + fake);
        assertEquals(Math.log(demo) - Math.log(1 - demo), source.reward(HELD_OUT_DEMO), 1e-9);

        List<Preference> preferences = source.compare(List.of(
                new Comparison("p", HELD_OUT_DEMO, HELD_OUT_FAKE),
                new Comparison("p", HELD_OUT_FAKE, HELD_OUT_DEMO)), CONTEXT);
        assertEquals(List.of(Choice.A, Choice.B), preferences.stream().map(Preference::better).toList());
        double margin = source.reward(HELD_OUT_DEMO) - source.reward(HELD_OUT_FAKE);
        assertEquals(1 / (1 + Math.exp(-margin)), preferences.get(0).confidence(), 1e-12);
        assertEquals("gan-discriminator", preferences.get(0).provenance().sourceType());
        assertEquals("discriminator@round-5", preferences.get(0).provenance().judgeId());
    }

    @Test
    void theNonSaturatingRewardIsMinusLogOneMinusD() throws IOException {
        GanDiscriminatorSource source = discriminator(", \"reward\": \"neg_log_one_minus_d\", \"d_steps\": 20", 1);
        source.observe(fakes(), CONTEXT);
        double d = source.probabilityReal(HELD_OUT_FAKE);
        assertEquals(-Math.log(1 - d), source.reward(HELD_OUT_FAKE), 1e-9);
        assertTrue(source.reward(HELD_OUT_FAKE) > 0);
    }

    @Test
    void theSameSeedGivesTheSameDiscriminator() throws IOException {
        GanDiscriminatorSource a = discriminator(", \"d_steps\": 10", 3);
        GanDiscriminatorSource b = discriminator(", \"d_steps\": 10", 3);
        GanDiscriminatorSource c = discriminator(", \"d_steps\": 10", 4);
        a.observe(fakes(), CONTEXT);
        b.observe(fakes(), CONTEXT);
        c.observe(fakes(), CONTEXT);
        assertEquals(a.reward(HELD_OUT_DEMO), b.reward(HELD_OUT_DEMO));
        assertTrue(a.reward(HELD_OUT_DEMO) != c.reward(HELD_OUT_DEMO));
    }

    @Test
    void logisticStepMatchesAHandComputedGradient() {
        HashedNgramFeatures.SparseVector x = new HashedNgramFeatures.SparseVector(new int[] {1, 3}, new double[] {0.6, 0.8});
        LogisticDiscriminator d = new LogisticDiscriminator(4);
        double loss = d.step(List.of(x), List.of(), 0.5, 0.0);
        assertEquals(Math.log(2), loss, 1e-12);
        // error sigmoid(0) - 1 = -0.5: w += 0.5 * 0.5 * x, b += 0.25 -> logit = 0.25 * (0.36 + 0.64) + 0.25
        assertEquals(0.5, d.logit(x), 1e-12);
    }

    @Test
    void featuresAreNormalisedAndStable() {
        HashedNgramFeatures features = new HashedNgramFeatures(10);
        HashedNgramFeatures.SparseVector v = features.featurize("Good, good kettle!");
        // unigrams good x2, kettle; bigrams "good good", "good kettle": norm sqrt(4 + 1 + 1 + 1)
        double sumSquares = 0;
        for (double value : v.values()) {
            sumSquares += value * value;
        }
        assertEquals(1.0, sumSquares, 1e-12);
        assertEquals(v, features.featurize("good GOOD kettle"));
        assertEquals(2.0 / Math.sqrt(7), java.util.Arrays.stream(v.values()).max().orElseThrow(), 1e-12);
    }

    @Test
    void missingDemonstrationsAreAConfigProblem() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new GanDiscriminatorFactory().create("gan-discriminator", ngram("none.jsonl", null), PluginContext.of(directory, 0)));
        assertTrue(e.getMessage().contains("none.jsonl is not a file"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ngram("d", 2));
    }

    private static GanDiscriminatorConfig ngram(String demonstrations, Integer featureBits) {
        return new GanDiscriminatorConfig(GanDiscriminatorConfig.Model.NGRAM, demonstrations, null, null, null, null, null, null,
                null, null, null, null, null, null, null, null, null, featureBits, null);
    }
}
