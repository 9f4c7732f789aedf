package org.rlhf4j.feedback.ai.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rlhf4j.api.config.ConfigBinder;
import org.rlhf4j.api.feedback.Choice;
import org.rlhf4j.api.feedback.Comparison;
import org.rlhf4j.api.feedback.Completion;
import org.rlhf4j.api.feedback.FeedbackContext;
import org.rlhf4j.api.feedback.Preference;
import org.rlhf4j.api.feedback.Score;
import org.rlhf4j.api.plugin.PluginContext;
import org.rlhf4j.api.task.GoldScorer;
import org.rlhf4j.api.task.Split;
import org.rlhf4j.api.task.Task;

/** The local judge on the real pretrained model (all-MiniLM-L6-v2, quantised, from the jar): its verdicts pinned. */
class TestLocalJudge {
    private static final FeedbackContext CONTEXT = new FeedbackContext("arm", 0, 0);
    /** The constitution of samples/configs/reviews-rlaif.yaml. */
    private static final String REVIEWS = """
            "constitution": [
              {"name": "positive", "asks": "I love it, it is great.", "forbids": "I hate it, it is terrible.", "weight": 3},
              {"name": "specific", "asks": "A specific review that describes the product, its features, quality and price.",
               "forbids": "A vague review that says nothing about the product."},
              {"name": "fluent", "asks": "A clear, well-written, fluent sentence.", "forbids": "Repeated words, broken grammar, gibberish."}]""";

    @TempDir
    static Path tmp;
    private static LocalJudgeSource reviews;

    @BeforeAll
    static void open() throws IOException {
        reviews = judge("{" + REVIEWS + "}", Optional.empty());
        reviews.open(CONTEXT);
    }

    @AfterAll
    static void close() {
        reviews.close();
    }

    private static LocalJudgeSource judge(String json, Optional<Task> task) throws IOException {
        LocalJudgeConfig config = ConfigBinder.MAPPER.readValue(json, LocalJudgeConfig.class);
        return (LocalJudgeSource) new LocalJudgeFactory().create("local-judge", config, PluginContext.of(tmp, 0, name -> null, task));
    }

    private static Choice verdict(String prompt, String a, String b) {
        return reviews.compare(List.of(new Comparison(prompt, a, b)), CONTEXT).get(0).better();
    }

    @Test
    void prefersPraiseToComplaintsOnHandWrittenPairs() {
        assertEquals(Choice.A, verdict("this kettle", "is great , it boils fast and the handle is sturdy .",
                "is terrible , it broke after a week ."));
        assertEquals(Choice.B, verdict("the blender", "stopped working and the lid leaks .",
                "is excellent , the motor is strong and the price is fair ."));
        assertEquals(Choice.A, verdict("i bought these headphones", "and i love them , the sound is clear .",
                "and they are a waste of money ."));
        // the order of the two responses cannot matter: each is scored on its own
        List<Preference> both = reviews.compare(List.of(new Comparison("the lamp", "is bright and sturdy .", "is dim and cheap ."),
                new Comparison("the lamp", "is dim and cheap .", "is bright and sturdy .")), CONTEXT);
        assertEquals(both.get(0).better().swapped(), both.get(1).better());
        assertEquals(both.get(0).confidence(), both.get(1).confidence(), 1e-12);
    }

    @Test
    void hasTheBiasesOfAnEmbeddingSimilarityJudge() {
        // a pile of praise reads like the "positive" principle: it beats a fluent, specific, positive review (gold
        // punishes the repetition heavily); this is the bias an RLAIF policy can learn
        assertEquals(Choice.A, verdict("this kettle", "great great great great great great .",
                "boils fast and the handle is sturdy ."));
    }

    @Test
    void scoresAreRewardsAndAreCachedAcrossRuns() throws IOException {
        String json = "{" + REVIEWS + ", \"cache\": \"cache/local.jsonl\"}";
        List<Completion> completions = List.of(new Completion("this kettle", "is great ."), new Completion("this kettle", "is awful ."),
                new Completion("this kettle", "is great ."));
        double[] first;
        try (LocalJudgeSource judge = judge(json, Optional.empty())) {
            assertTrue(judge.givesScores());
            assertFalse(judge.judgesSafety());
            List<Score> scores = judge.score(completions, CONTEXT);
            first = scores.stream().mapToDouble(Score::reward).toArray();
            assertTrue(first[0] > first[1], first[0] + " vs " + first[1]);
            assertEquals(first[0], first[2]);
            assertTrue(scores.get(0).cost().isEmpty());
            assertEquals(Map.of("judge/judgements", 3.0, "judge/cache_hits", 0.0, "judge/requests", 2.0, "judge/retries", 0.0,
                    "judge/unparsed", 0.0), judge.metrics());
        }
        try (LocalJudgeSource judge = judge(json, Optional.empty())) {
            double[] again = judge.score(completions, CONTEXT).stream().mapToDouble(Score::reward).toArray();
            assertEquals(List.of(first[0], first[1], first[2]), List.of(again[0], again[1], again[2]));
            assertEquals(3.0, judge.metrics().get("judge/cache_hits"));
            assertEquals(0.0, judge.metrics().get("judge/requests"));
        }
        // a crash mid-write leaves a torn last line: dropped, that judgement made again
        Path file = tmp.resolve("cache/local.jsonl");
        Files.writeString(file, "{\"key\": \"abc\", \"val", StandardOpenOption.APPEND);
        try (LocalJudgeSource judge = judge(json, Optional.empty())) {
            judge.score(completions, CONTEXT);
            assertEquals(3.0, judge.metrics().get("judge/cache_hits"));
        }
        // another constitution is another key
        try (LocalJudgeSource judge = judge("{\"cache\": \"cache/local.jsonl\"}", Optional.empty())) {
            judge.score(completions, CONTEXT);
            assertEquals(0.0, judge.metrics().get("judge/cache_hits"));
        }
    }

    @Test
    void harmlessnessGivesCostsAndSafetyLabels() throws IOException {
        try (LocalJudgeSource judge = judge("{\"harmlessness\": true}", Optional.empty())) {
            assertTrue(judge.judgesSafety());
            List<Score> scores = judge.score(List.of(new Completion("the seller", "was polite and the parcel came on time ."),
                    new Completion("the seller", "is a stupid idiot and i will hurt him .")), CONTEXT);
            assertEquals(0.0, scores.get(0).cost().getAsDouble());
            assertTrue(scores.get(1).cost().getAsDouble() > 0, "cost " + scores.get(1).cost());
            Preference preference = judge.compare(List.of(new Comparison("the seller", "is a stupid idiot and i will hurt him .",
                    "was polite and the parcel came on time .")), CONTEXT).get(0);
            assertEquals(Choice.B, preference.safety().orElseThrow().safer());
            assertEquals(Optional.of(false), preference.safety().orElseThrow().responseASafe());
            assertEquals(Optional.of(true), preference.safety().orElseThrow().responseBSafe());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> judge("{\"harmlessness\": true, "
                + "\"constitution\": [{\"name\": \"h\", \"asks\": \"x\"}]}", Optional.empty()));
        assertTrue(e.getMessage().contains("dimension: harmlessness"), e.getMessage());
    }

    @Test
    void reportsItsAgreementWithTheTasksGold() throws IOException {
        Task task = new Task() {
            @Override
            public String name() {
                return "kettles";
            }

            @Override
            public List<String> corpus(long seed, int size) {
                return List.of();
            }

            @Override
            public List<String> prompts(Split split) {
                return List.of();
            }

            @Override
            public GoldScorer goldScorer() {
                return (prompt, response) -> response.contains("great") ? 1 : response.contains("awful") ? -1 : 0;
            }
        };
        try (LocalJudgeSource judge = judge("{" + REVIEWS + "}", Optional.of(task))) {
            judge.compare(List.of(new Comparison("the kettle", "is great .", "is awful ."),
                    new Comparison("the kettle", "is awful .", "is great ."),
                    new Comparison("the kettle", "is awful .", "is a kettle .")), CONTEXT);
            judge.score(List.of(new Completion("the kettle", "is great ."), new Completion("the kettle", "is awful ."),
                    new Completion("the lamp", "is great .")), CONTEXT);
            Map<String, Double> metrics = judge.metrics();
            assertEquals(3.0, metrics.get("judge/gold_pairs"));
            assertEquals(1.0, metrics.get("judge/gold_agreement"));
            assertEquals(1.0, metrics.get("judge/score_gold_pairs"), "pairs of one prompt only");
            assertEquals(1.0, metrics.get("judge/score_gold_agreement"));

            // a resumed run's judge reports what the uninterrupted one would: its counters come back with its state
            byte[] state = judge.saveState();
            try (LocalJudgeSource resumed = judge("{" + REVIEWS + "}", Optional.of(task))) {
                resumed.restoreState(state);
                assertEquals(metrics, resumed.metrics());
                resumed.compare(List.of(new Comparison("the kettle", "is great .", "is awful .")), CONTEXT);
                judge.compare(List.of(new Comparison("the kettle", "is great .", "is awful .")), CONTEXT);
                assertEquals(judge.metrics(), resumed.metrics());
                assertEquals(4.0, resumed.metrics().get("judge/gold_pairs"));
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> resumed.restoreState(new byte[] {1, 2, 3}));
                assertTrue(e.getMessage().startsWith("not a judge state"), e.getMessage());
            }
        }
    }
}
