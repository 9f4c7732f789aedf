package org.rlhf4j.tasks.reviews;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rlhf4j.api.task.Demonstration;
import org.rlhf4j.api.task.GoldScore;
import org.rlhf4j.api.task.Split;
import org.rlhf4j.api.task.Task;
import org.rlhf4j.api.plugin.PluginKind;
import org.rlhf4j.api.plugin.PluginLoader;
import org.rlhf4j.api.plugin.PluginRegistry;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TestReviewsTask {
    private static final int CORPUS = 5000;

    private static ReviewsTask task;
    private static List<GeneratedReview> reviews;
    private static double[] rewards;
    private static double[] costs;

    @BeforeAll
    static void generate() {
        task = new ReviewsTask();
        reviews = task.reviews(42, CORPUS);
        rewards = new double[CORPUS];
        costs = new double[CORPUS];
        for (int i = 0; i < CORPUS; i++) {
            GoldScore score = task.goldScorer().score(reviews.get(i).prompt(), reviews.get(i).response());
            rewards[i] = score.reward();
            costs[i] = score.cost();
        }
    }

    @Test
    void isDiscoveredByName() {
        PluginRegistry registry = PluginLoader.load(getClass().getClassLoader());
        assertEquals(List.of("reviews"), registry.names(PluginKind.TASK));
        Task reviewsTask = registry.task("reviews").create();
        assertEquals("reviews", reviewsTask.name());
        assertTrue(reviewsTask.goldScorer().hasCost());
    }

    @Test
    void generationIsDeterministicForASeed() {
        assertEquals(task.corpus(7, 300), task.corpus(7, 300));
        assertEquals(task.corpus(7, 300), new ReviewsTask().corpus(7, 300));
        assertNotEquals(task.corpus(7, 300), task.corpus(8, 300));
        assertEquals(task.corpus(7, 300).subList(0, 100), task.corpus(7, 100));
        assertEquals(task.demonstrations(3, 20), task.demonstrations(3, 20));
    }

    @Test
    void vocabularyHasOverAThousandRealWords() {
        Set<String> words = new HashSet<>();
        for (String text : task.corpus(42, CORPUS)) {
            for (String token : ReviewText.tokens(text)) {
                if (token.chars().allMatch(Character::isLetter)) {
                    words.add(token);
                }
            }
        }
        assertTrue(words.size() >= 1000, "distinct words: " + words.size());
        assertTrue(ReviewLexicon.get().allWords().size() >= 1200, "designed words: " + ReviewLexicon.get().allWords().size());
    }

    @Test
    void reviewsFitThePolicyContext() {
        for (GeneratedReview review : reviews) {
            int tokens = ReviewText.tokens(review.text()).size();
            assertEquals(review.tokenCount(), tokens, review.text());
            assertTrue(tokens >= ReviewGrammar.MIN_TOKENS && tokens <= ReviewGrammar.MAX_TOKENS, tokens + ": " + review.text());
            assertTrue(review.response().endsWith(".") || review.response().endsWith("!") || review.response().endsWith("?"), review.text());
            assertEquals(review.text().toLowerCase(java.util.Locale.ROOT), review.text());
        }
    }

    @Test
    void goldRewardsCoverTheSentimentRange() {
        double[] sorted = rewards.clone();
        Arrays.sort(sorted);
        double p10 = sorted[CORPUS / 10];
        double p50 = sorted[CORPUS / 2];
        double p90 = sorted[CORPUS * 9 / 10];
        assertTrue(p10 < -0.4, "10% quantile " + p10);
        assertTrue(p50 > -0.2 && p50 < 0.6, "median " + p50);
        assertTrue(p90 > 0.8, "90% quantile " + p90);
        double[] latent = reviews.stream().mapToDouble(GeneratedReview::sentiment).toArray();
        double correlation = pearson(rewards, latent);
        assertTrue(correlation > 0.75, "corr(gold reward, latent sentiment) = " + correlation);
        long mixed = reviews.stream().filter(GeneratedReview::mixed).count();
        assertTrue(mixed > 0.12 * CORPUS && mixed < 0.18 * CORPUS, "mixed " + mixed);
    }

    @Test
    void grammarOutputIsFluentByTheGoldStandard() {
        ReviewsGoldScorer scorer = task.goldScorer();
        double sum = 0;
        double min = 1;
        for (GeneratedReview review : reviews) {
            double fluency = scorer.explain(review.prompt(), review.response()).fluency();
            sum += fluency;
            min = Math.min(min, fluency);
        }
        assertTrue(sum / CORPUS > 0.995, "mean fluency " + sum / CORPUS);
        assertTrue(min > 0.85, "min fluency " + min);
    }

    @Test
    void unsafeFractionIsInTheDesignedBandAndCostMatchesIt() {
        Map<String, Integer> byCategory = new HashMap<>();
        int unsafe = 0;
        for (int i = 0; i < CORPUS; i++) {
            GeneratedReview review = reviews.get(i);
            if (review.harmCategory().isPresent()) {
                unsafe++;
                String category = review.harmCategory().get();
                byCategory.merge(category, 1, Integer::sum);
                assertTrue(costs[i] > 0, review.text());
                assertTrue(task.goldScorer().harmCategories(review.prompt(), review.response()).contains(category), review.text());
            } else {
                assertEquals(0.0, costs[i], review.text());
            }
        }
        double fraction = unsafe / (double) CORPUS;
        assertTrue(fraction >= 0.05 && fraction <= 0.10, "unsafe fraction " + fraction);
        assertEquals(Set.copyOf(ReviewGrammar.HARM_CATEGORIES), byCategory.keySet());
    }

    @Test
    void harmComesWithEnthusiasmAsInRealReviews() {
        // the tension Safe RLHF needs: the top fifth of reviews by gold reward are unsafe far more often than the rest
        Integer[] byReward = new Integer[CORPUS];
        for (int i = 0; i < CORPUS; i++) {
            byReward[i] = i;
        }
        Arrays.sort(byReward, (a, b) -> Double.compare(rewards[b], rewards[a]));
        int top = CORPUS / 5;
        double unsafeTop = 0;
        double unsafeRest = 0;
        for (int rank = 0; rank < CORPUS; rank++) {
            boolean unsafe = costs[byReward[rank]] > 0;
            if (rank < top) {
                unsafeTop += unsafe ? 1 : 0;
            } else {
                unsafeRest += unsafe ? 1 : 0;
            }
        }
        double topRate = unsafeTop / top;
        double restRate = unsafeRest / (CORPUS - top);
        assertTrue(topRate > 2 * restRate, "unsafe among the top fifth " + topRate + ", among the rest " + restRate);
    }

    @Test
    void promptsAreFixedDisjointAndNameAProduct() {
        List<String> train = task.prompts(Split.TRAIN);
        List<String> eval = task.prompts(Split.EVAL);
        assertEquals(ReviewsTask.TRAIN_PROMPTS, train.size());
        assertEquals(ReviewsTask.EVAL_PROMPTS, eval.size());
        assertEquals(train.size(), new HashSet<>(train).size());
        assertEquals(eval, new ReviewsTask().prompts(Split.EVAL));
        Set<String> overlap = new HashSet<>(train);
        overlap.retainAll(eval);
        assertEquals(Set.of(), overlap);
        for (String prompt : eval) {
            List<String> tokens = ReviewText.tokens(prompt);
            assertTrue(tokens.size() <= 12, prompt);
            assertTrue(tokens.stream().anyMatch(token -> !ReviewLexicon.get().productCategories(token).isEmpty()), prompt);
        }
    }

    @Test
    void demonstrationsArePositiveSafeCompletionsOfTrainingPrompts() {
        List<Demonstration> demonstrations = task.demonstrations(11, 200);
        Set<String> train = Set.copyOf(task.prompts(Split.TRAIN));
        double sum = 0;
        for (Demonstration demonstration : demonstrations) {
            assertTrue(train.contains(demonstration.prompt()), demonstration.prompt());
            GoldScore score = task.goldScorer().score(demonstration.prompt(), demonstration.response());
            assertEquals(0.0, score.cost(), demonstration.text());
            assertTrue(ReviewText.tokens(demonstration.text()).size() <= ReviewGrammar.MAX_TOKENS, demonstration.text());
            sum += score.reward();
        }
        double mean = sum / demonstrations.size();
        double corpusMean = Arrays.stream(rewards).average().orElseThrow();
        assertTrue(mean > 0.85, "demonstration mean gold reward " + mean);
        assertTrue(mean > corpusMean + 0.5, mean + " vs corpus " + corpusMean);
    }

    @Test
    void writesInspectableFiles(@TempDir Path directory)
            throws IOException {
        task.write(directory, 5, 50);
        List<String> corpus = Files.readAllLines(directory.resolve("corpus.jsonl"));
        assertEquals(50, corpus.size());
        assertTrue(corpus.get(0).startsWith("{\"prompt\":\"" + task.reviews(5, 1).get(0).prompt() + "\""), corpus.get(0));
        assertTrue(corpus.get(0).contains("\"gold_reward\":"), corpus.get(0));
        assertEquals(task.prompts(Split.EVAL), Files.readAllLines(directory.resolve("prompts-eval.txt")));
        assertEquals(ReviewsTask.TRAIN_PROMPTS, Files.readAllLines(directory.resolve("prompts-train.txt")).size());
        assertEquals(50, Files.readAllLines(directory.resolve("demonstrations.jsonl")).size());
        assertEquals("\"a \\\"b\\\" \\\\ c\\n\"", ReviewsTask.json("a \"b\" \\ c\n"));
    }

    private static double pearson(double[] x, double[] y) {
        double mx = Arrays.stream(x).average().orElseThrow();
        double my = Arrays.stream(y).average().orElseThrow();
        double sxy = 0;
        double sxx = 0;
        double syy = 0;
        for (int i = 0; i < x.length; i++) {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }
        return sxy / Math.sqrt(sxx * syy);
    }
}
