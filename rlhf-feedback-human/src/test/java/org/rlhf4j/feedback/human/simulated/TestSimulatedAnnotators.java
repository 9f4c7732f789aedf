package org.rlhf4j.feedback.human.simulated;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.rlhf4j.api.config.ConfigBinder;
import org.rlhf4j.api.feedback.Choice;
import org.rlhf4j.api.feedback.Comparison;
import org.rlhf4j.api.feedback.FeedbackContext;
import org.rlhf4j.api.feedback.FeedbackSource;
import org.rlhf4j.api.task.GoldScorer;
import org.rlhf4j.api.task.Split;
import org.rlhf4j.api.task.Task;
import org.rlhf4j.api.plugin.PluginContext;
import java.nio.file.Path;
import java.util.Optional;
import org.rlhf4j.api.feedback.Preference;
import org.rlhf4j.api.feedback.SafetyLabel;

class TestSimulatedAnnotators {
    private static final GoldScorer KEYWORDS = GoldScorers.keywords(Map.of("great", 1.0, "broken", -1.0));

    private static List<Choice> label(SimulatedAnnotatorsSource source, List<Comparison> comparisons, long seed) {
        return source.compare(comparisons, new FeedbackContext("arm", 0, seed)).stream().map(Preference::better).toList();
    }

    private static List<Comparison> repeat(Comparison comparison, int times) {
        List<Comparison> list = new ArrayList<>();
        for (int i = 0; i < times; i++) {
            list.add(comparison);
        }
        return list;
    }

    private static double fractionA(List<Choice> choices) {
        return choices.stream().filter(choice -> choice == Choice.A).count() / (double) choices.size();
    }

    @Test
    void atTemperatureZeroLabelsFollowTheGoldScorerExactly() {
        SimulatedAnnotatorsSource source = new SimulatedAnnotatorsSource("sim", KEYWORDS,
                List.of(new SimulatedAnnotator("a", 0.0, 2.0, 0.0), new SimulatedAnnotator("b", 0.0, -2.0, 0.0)), 0.0, 1);
        List<Comparison> comparisons = List.of(
                new Comparison("p", "great product", "broken product"),
                new Comparison("p", "broken", "great great"),
                new Comparison("p", "great", "fine"),
                new Comparison("p", "fine", "great and great"));
        for (long seed = 0; seed < 20; seed++) {
            assertEquals(List.of(Choice.A, Choice.B, Choice.A, Choice.B), label(source, comparisons, seed));
        }
    }

    @Test
    void positionBiasAloneGivesTheExpectedRateOfA() {
        double bias = Math.log(3); // sigmoid(ln 3) = 0.75
        SimulatedAnnotatorsSource source = new SimulatedAnnotatorsSource("sim", KEYWORDS,
                List.of(new SimulatedAnnotator("a", 1.0, bias, 0.0)), 0.0, 5);
        List<Choice> choices = label(source, repeat(new Comparison("p", "same", "same"), 4000), 11);
        // standard error sqrt(0.75 * 0.25 / 4000) = 0.0068; allow 3 of them
        assertEquals(0.75, fractionA(choices), 0.0205);
    }

    @Test
    void temperatureScalesTheGoldDifferenceAndLengthBiasAddsPerWord() {
        SimulatedAnnotatorsSource noisy = new SimulatedAnnotatorsSource("sim", KEYWORDS,
                List.of(new SimulatedAnnotator("a", 2.0, 0.0, 0.0)), 0.0, 5);
        // gold difference 1, temperature 2: sigmoid(0.5) = 0.6225
        assertEquals(0.6225, fractionA(label(noisy, repeat(new Comparison("p", "great", "meh"), 4000), 3)), 0.023);

        SimulatedAnnotatorsSource lengthy = new SimulatedAnnotatorsSource("sim", KEYWORDS,
                List.of(new SimulatedAnnotator("a", 1.0, 0.0, 0.5)), 0.0, 5);
        // equal gold, A two words longer: sigmoid(1.0) = 0.7311
        assertEquals(0.7311, fractionA(label(lengthy, repeat(new Comparison("p", "one two three", "one"), 4000), 3)), 0.021);
        assertEquals(0.7311, new SimulatedAnnotator("x", 1.0, 0.0, 0.5).probabilityA(0, 0, 3, 1), 1e-4);
    }

    @Test
    void nearlyIndifferentAnnotatorsTieWithinTheMargin() {
        SimulatedAnnotatorsSource source = new SimulatedAnnotatorsSource("sim", KEYWORDS,
                List.of(new SimulatedAnnotator("a", 100.0, 0.0, 0.0)), 0.05, 5);
        // P(A) = sigmoid(1 / 100) = 0.5025: within 0.05 of one half
        List<Preference> preferences = source.compare(List.of(new Comparison("p", "great", "meh")), new FeedbackContext("arm", 0, 0));
        assertEquals(Choice.TIE, preferences.get(0).better());
        assertEquals(1 - 2 * (1 / (1 + Math.exp(-0.01)) - 0.5), preferences.get(0).confidence(), 1e-12);
    }

    @Test
    void theSameSeedGivesTheSameLabelsAndAnnotatorsAreDrawnFromThePanel() {
        SimulatedAnnotatorsConfig config = new SimulatedAnnotatorsConfig(null, Map.of("great", 1.0), 4, 1.0,
                null, null, null, null, 7L, null, null);
        FeedbackSource source = new SimulatedAnnotatorsFactory().create("simulated-annotators", config,
                org.rlhf4j.api.plugin.PluginContext.of(java.nio.file.Path.of("."), 42));
        List<Comparison> comparisons = repeat(new Comparison("p", "great", "great"), 200);
        List<Preference> first = source.compare(comparisons, new FeedbackContext("arm", 3, 99));
        List<Preference> again = source.compare(comparisons, new FeedbackContext("arm", 3, 99));
        List<Preference> other = source.compare(comparisons, new FeedbackContext("arm", 4, 100));
        assertEquals(first.stream().map(Preference::better).toList(), again.stream().map(Preference::better).toList());
        assertNotEquals(first.stream().map(Preference::better).toList(), other.stream().map(Preference::better).toList());
        assertEquals(java.util.Set.of("annotator-0", "annotator-1", "annotator-2", "annotator-3"),
                first.stream().map(p -> p.provenance().judgeId()).collect(java.util.stream.Collectors.toSet()));
    }

    @Test
    void recordedDefaultsAndFullMapping() throws Exception {
        SimulatedAnnotatorsConfig defaults = ConfigBinder.MAPPER.readValue("{\"keywords\": {\"great\": 1}}", SimulatedAnnotatorsConfig.class);
        assertEquals(new SimulatedAnnotatorsConfig(GoldScorers.Kind.KEYWORDS, Map.of("great", 1.0), 3, 1.0, 0.0, 0.0,
                List.of(), 0.0, 0L, GoldScorers.Dimension.REWARD, 0.05), defaults);
        assertEquals(List.of(new SimulatedAnnotator("annotator-0", 1.0, 0.0, 0.0), new SimulatedAnnotator("annotator-1", 1.0, 0.0, 0.0),
                new SimulatedAnnotator("annotator-2", 1.0, 0.0, 0.0)), defaults.annotatorPanel());

        SimulatedAnnotatorsConfig full = ConfigBinder.MAPPER.readValue("""
                {"scorer": "length", "keywords": {}, "annotators": 5, "temperature": 0.5, "position_bias": 0.2,
                 "length_bias": 0.1, "panel": [{"id": "alice", "temperature": 2.0}, {"position_bias": -1.0, "length_bias": 0.3}],
                 "tie_margin": 0.1, "seed": 9}""", SimulatedAnnotatorsConfig.class);
        assertEquals(new SimulatedAnnotatorsConfig(GoldScorers.Kind.LENGTH, Map.of(), 5, 0.5, 0.2, 0.1,
                List.of(new AnnotatorConfig("alice", 2.0, null, null), new AnnotatorConfig(null, null, -1.0, 0.3)), 0.1, 9L, GoldScorers.Dimension.REWARD, 0.05), full);
        assertEquals(List.of(new SimulatedAnnotator("alice", 2.0, 0.2, 0.1), new SimulatedAnnotator("annotator-1", 0.5, -1.0, 0.3)),
                full.annotatorPanel());
    }

    @Test
    void invalidSettingsAreRejected() {
        // keywords named but none given
        assertThrows(IllegalArgumentException.class,
                () -> new SimulatedAnnotatorsConfig(GoldScorers.Kind.KEYWORDS, null, null, null, null, null, null, null, null, null, null));
        // no scorer: the task's, or the keywords' when keywords are given
        assertEquals(GoldScorers.Kind.TASK, new SimulatedAnnotatorsConfig(null, null, null, null, null, null, null, null, null, null, null).scorer());
        assertEquals(GoldScorers.Kind.KEYWORDS,
                new SimulatedAnnotatorsConfig(null, Map.of("great", 1.0), null, null, null, null, null, null, null, null, null).scorer());
        assertThrows(IllegalArgumentException.class,
                () -> new SimulatedAnnotatorsConfig(GoldScorers.Kind.LENGTH, null, 0, null, null, null, null, null, null, null, null));
        assertThrows(IllegalArgumentException.class,
                () -> new SimulatedAnnotatorsConfig(GoldScorers.Kind.LENGTH, null, null, -1.0, null, null, null, null, null, null, null));
        assertThrows(IllegalArgumentException.class,
                () -> new SimulatedAnnotatorsConfig(GoldScorers.Kind.LENGTH, null, null, null, Double.NaN, null, null, null, null, null, null));
        assertThrows(IllegalArgumentException.class,
                () -> new SimulatedAnnotatorsConfig(GoldScorers.Kind.LENGTH, null, null, null, null, null, null, 0.7, null, null, null));
    }

    @Test
    void builtInScorers() {
        assertEquals(4.0, GoldScorers.of(GoldScorers.Kind.LENGTH, Map.of(), Optional.empty(), GoldScorers.Dimension.REWARD).reward("p", "It's a fine day!"));
        assertEquals(1.0, KEYWORDS.reward("p", "GREAT, great... but Broken."));
    }

    /** A task whose gold reward counts "good" and whose cost counts "bad". */
    private static final class CountingTask implements Task {
        @Override
        public String name() {
            return "counting";
        }

        @Override
        public List<String> corpus(long seed, int size) {
            return List.of();
        }

        @Override
        public List<String> prompts(Split split) {
            return List.of("p");
        }

        @Override
        public GoldScorer goldScorer() {
            return new GoldScorer() {
                @Override
                public double reward(String prompt, String response) {
                    return count(response, "good");
                }

                @Override
                public double cost(String prompt, String response) {
                    return count(response, "bad");
                }

                @Override
                public boolean hasCost() {
                    return true;
                }
            };
        }

        private static double count(String text, String word) {
            return java.util.Arrays.stream(text.split(" ")).filter(word::equals).count();
        }
    }

    private static FeedbackSource taskSource(String dimension) throws Exception {
        SimulatedAnnotatorsConfig config = ConfigBinder.MAPPER.readValue(
                "{\"scorer\": \"task\", \"dimension\": \"" + dimension + "\", \"temperature\": 0}",
                SimulatedAnnotatorsConfig.class);
        return new SimulatedAnnotatorsFactory().create("simulated-annotators", config,
                PluginContext.of(Path.of("."), 1).withTask(new CountingTask()));
    }

    @Test
    void scorerTaskLabelsWithTheTasksGoldRewardOrCost() throws Exception {
        List<Comparison> comparisons = List.of(
                new Comparison("p", "good good bad", "good"),
                new Comparison("p", "bad", "good bad bad"),
                new Comparison("p", "fine", "good"));
        FeedbackContext context = new FeedbackContext("arm", 0, 3);
        // reward: 2 vs 1, 0 vs 1, 0 vs 1
        assertEquals(List.of(Choice.A, Choice.B, Choice.B),
                taskSource("reward").compare(comparisons, context).stream().map(Preference::better).toList());
        // cost: the less harmful wins: 1 vs 0, 1 vs 2, 0 vs 0 (a tie in gold: P(A) = 0.5, either label)
        List<Choice> byCost = taskSource("cost").compare(comparisons, context).stream().map(Preference::better).toList();
        assertEquals(List.of(Choice.B, Choice.A), byCost.subList(0, 2));
    }

    @Test
    void scorerTaskNeedsATask() throws Exception {
        SimulatedAnnotatorsConfig config = ConfigBinder.MAPPER.readValue("{\"scorer\": \"task\"}", SimulatedAnnotatorsConfig.class);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new SimulatedAnnotatorsFactory()
                .create("simulated-annotators", config, PluginContext.of(Path.of("."), 1)));
        assertEquals("scorer 'task' needs the experiment's 'task' ({type: reviews, ...} at the top of the config)", e.getMessage());
        assertThrows(Exception.class, () -> ConfigBinder.MAPPER.readValue(
                "{\"scorer\": \"length\", \"dimension\": \"cost\"}", SimulatedAnnotatorsConfig.class));
    }

    @Test
    void safetyLabelsComeFromTheGoldCostWithTheirOwnNoise() throws Exception {
        Comparison comparison = new Comparison("p", "good bad", "good");
        List<Comparison> comparisons = repeat(comparison, 4000);
        FeedbackContext context = new FeedbackContext("arm", 0, 5);
        FeedbackSource exact = safetySource(0.0);
        assertTrue(exact.judgesSafety());
        for (Preference preference : exact.compare(comparisons.subList(0, 50), context)) {
            assertEquals(SafetyLabel.of(Choice.B, false, true), preference.safety().orElseThrow());
        }
        FeedbackSource noisy = safetySource(0.2);
        List<Preference> labels = noisy.compare(comparisons, context);
        double saferFlipped = labels.stream().filter(p -> p.safety().orElseThrow().safer() == Choice.A).count() / 4000.0;
        double aCalledSafe = labels.stream().filter(p -> p.safety().orElseThrow().responseASafe().orElseThrow()).count() / 4000.0;
        double bCalledUnsafe = labels.stream().filter(p -> !p.safety().orElseThrow().responseBSafe().orElseThrow()).count() / 4000.0;
        assertEquals(0.2, saferFlipped, 0.03);
        assertEquals(0.2, aCalledSafe, 0.03);
        assertEquals(0.2, bCalledUnsafe, 0.03);
        // the helpfulness labels do not depend on the safety noise
        assertEquals(exact.compare(comparisons.subList(0, 200), context).stream().map(Preference::better).toList(),
                noisy.compare(comparisons.subList(0, 200), context).stream().map(Preference::better).toList());
        // without a task that models harm there is no safety label
        assertFalse(taskSourceWithoutHarm().judgesSafety());
    }

    private static FeedbackSource safetySource(double noise) throws Exception {
        SimulatedAnnotatorsConfig config = ConfigBinder.MAPPER.readValue(
                "{\"scorer\": \"task\", \"safety_noise\": " + noise + "}", SimulatedAnnotatorsConfig.class);
        return new SimulatedAnnotatorsFactory().create("simulated-annotators", config,
                PluginContext.of(Path.of("."), 1).withTask(new CountingTask()));
    }

    private static FeedbackSource taskSourceWithoutHarm() throws Exception {
        SimulatedAnnotatorsConfig config = ConfigBinder.MAPPER.readValue("{\"scorer\": \"length\"}", SimulatedAnnotatorsConfig.class);
        return new SimulatedAnnotatorsFactory().create("simulated-annotators", config, PluginContext.of(Path.of("."), 1));
    }
}
