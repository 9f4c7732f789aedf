package org.rlhf4j.tasks.reviews;

import org.rlhf4j.api.task.Demonstration;
import org.rlhf4j.api.task.GoldScore;
import org.rlhf4j.api.task.Split;
import org.rlhf4j.api.task.Task;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

import static java.util.Objects.requireNonNull;

/**
 * The built-in {@code reviews} task: short English product and movie reviews written by a seeded
 * probabilistic grammar ({@link ReviewGrammar}), judged by {@link ReviewsGoldScorer}.
 *
 * <ul>
 *   <li>{@link #corpus(long, int)}: whole reviews, sentiment from very negative to very positive, some mixed,
 *       about 7.5% with one unsafe sentence; at most {@value ReviewGrammar#MAX_TOKENS} tokens each.</li>
 *   <li>{@link #prompts(Split)}: review openings ("the kettle is", "i bought this kettle last week and");
 *       {@value #TRAIN_PROMPTS} for training and {@value #EVAL_PROMPTS} held out, fixed and disjoint.</li>
 *   <li>{@link #demonstrations(long, int)}: positive, fluent, safe, on-topic continuations of training
 *       prompts (the best of up to 20 grammar samples by gold reward).</li>
 * </ul>
 *
 * <p>{@code java -cp rlhf-tasks.jar:rlhf-api.jar org.rlhf4j.tasks.reviews.ReviewsTask DIR [SIZE] [SEED]} writes
 * the corpus, prompts and demonstrations to {@code DIR} for inspection.
 */
public final class ReviewsTask
        implements Task {
    public static final String NAME = "reviews";
    public static final int TRAIN_PROMPTS = 512;
    public static final int EVAL_PROMPTS = 64;

    private static final long EVAL_SEED = 0x5EED_E7A1L;
    private static final long TRAIN_SEED = 0x5EED_78A1L;
    private static final int DEMONSTRATION_TRIES = 20;
    private static final double DEMONSTRATION_TARGET = 0.85;

    private final ReviewGrammar grammar;
    private final ReviewsGoldScorer scorer;
    private final Map<String, ReviewGrammar.Opening> train;
    private final Map<String, ReviewGrammar.Opening> eval;

    public ReviewsTask() {
        this(new ReviewGrammar(), new ReviewsGoldScorer());
    }

    ReviewsTask(ReviewGrammar grammar, ReviewsGoldScorer scorer) {
        this.grammar = requireNonNull(grammar, "grammar is null");
        this.scorer = requireNonNull(scorer, "scorer is null");
        this.eval = openings(EVAL_SEED, EVAL_PROMPTS, Map.of());
        this.train = openings(TRAIN_SEED, TRAIN_PROMPTS, eval);
    }

    private Map<String, ReviewGrammar.Opening> openings(long seed, int count, Map<String, ReviewGrammar.Opening> exclude) {
        Random random = new Random(seed);
        Map<String, ReviewGrammar.Opening> openings = new LinkedHashMap<>();
        while (openings.size() < count) {
            ReviewGrammar.Opening opening = grammar.opening(random);
            if (!exclude.containsKey(opening.text())) {
                openings.putIfAbsent(opening.text(), opening);
            }
        }
        return Collections.unmodifiableMap(openings);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "short product and movie reviews; gold reward = positive, fluent, on-topic; gold cost = harm";
    }

    @Override
    public List<String> corpus(long seed, int size) {
        return reviews(seed, size).stream().map(GeneratedReview::text).toList();
    }

    /** The corpus with each review's latent variables. */
    public List<GeneratedReview> reviews(long seed, int size) {
        checkSize(size);
        Random random = new Random(seed);
        List<GeneratedReview> reviews = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            reviews.add(grammar.generate(random));
        }
        return reviews;
    }

    @Override
    public List<String> prompts(Split split) {
        requireNonNull(split, "split is null");
        return List.copyOf((split == Split.TRAIN ? train : eval).keySet());
    }

    @Override
    public List<Demonstration> demonstrations(long seed, int count) {
        checkSize(count);
        Random random = new Random(seed);
        List<ReviewGrammar.Opening> openings = List.copyOf(train.values());
        List<Demonstration> demonstrations = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            ReviewGrammar.Opening opening = ReviewGrammar.pick(random, openings);
            String best = null;
            double bestReward = Double.NEGATIVE_INFINITY;
            for (int attempt = 0; attempt < DEMONSTRATION_TRIES && bestReward < DEMONSTRATION_TARGET; attempt++) {
                ReviewGrammar.Style style = new ReviewGrammar.Style(0.75 + 0.25 * random.nextDouble(), false, java.util.Optional.empty());
                String response = ReviewText.render(grammar.complete(random, opening, style).response().stream().map(Token::text).toList());
                double reward = scorer.reward(opening.text(), response);
                if (reward > bestReward) {
                    best = response;
                    bestReward = reward;
                }
            }
            demonstrations.add(new Demonstration(opening.text(), best));
        }
        return demonstrations;
    }

    @Override
    public ReviewsGoldScorer goldScorer() {
        return scorer;
    }

    private static void checkSize(int size) {
        if (size < 0) {
            throw new IllegalArgumentException("size must not be negative: " + size);
        }
    }

    /**
     * Writes {@code corpus.jsonl} (each review with its latent variables and gold scores),
     * {@code prompts-train.txt}, {@code prompts-eval.txt} and {@code demonstrations.jsonl} into a directory.
     */
    public void write(Path directory, long seed, int size)
            throws IOException {
        Files.createDirectories(directory);
        try (Writer out = Files.newBufferedWriter(directory.resolve("corpus.jsonl"), StandardCharsets.UTF_8)) {
            for (GeneratedReview review : reviews(seed, size)) {
                GoldScore score = scorer.score(review.prompt(), review.response());
                out.write(String.format(Locale.ROOT,
                        "{\"prompt\":%s,\"response\":%s,\"product\":%s,\"category\":%s,\"latent_sentiment\":%.4f,\"mixed\":%s,"
                                + "\"harm_category\":%s,\"tokens\":%d,\"gold_reward\":%.4f,\"gold_cost\":%.4f}%n",
                        json(review.prompt()), json(review.response()), json(review.product()), json(review.category()),
                        review.sentiment(), review.mixed(), review.harmCategory().map(ReviewsTask::json).orElse("null"),
                        review.tokenCount(), score.reward(), score.cost()));
            }
        }
        Files.write(directory.resolve("prompts-train.txt"), prompts(Split.TRAIN), StandardCharsets.UTF_8);
        Files.write(directory.resolve("prompts-eval.txt"), prompts(Split.EVAL), StandardCharsets.UTF_8);
        try (Writer out = Files.newBufferedWriter(directory.resolve("demonstrations.jsonl"), StandardCharsets.UTF_8)) {
            for (Demonstration demonstration : demonstrations(seed, Math.min(size, 1000))) {
                out.write(String.format(Locale.ROOT, "{\"prompt\":%s,\"response\":%s,\"gold_reward\":%.4f}%n",
                        json(demonstration.prompt()), json(demonstration.response()),
                        scorer.reward(demonstration.prompt(), demonstration.response())));
            }
        }
    }

    static String json(String text) {
        StringBuilder json = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> json.append("\\\"");
                case '\\' -> json.append("\\\\");
                case '\n' -> json.append("\\n");
                default -> {
                    if (c < 0x20) {
                        json.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        json.append(c);
                    }
                }
            }
        }
        return json.append('"').toString();
    }

    /** Writes the task data for inspection: {@code ReviewsTask DIR [SIZE=20000] [SEED=1]}. */
    public static void main(String[] args)
            throws IOException {
        if (args.length < 1) {
            System.err.println("usage: ReviewsTask DIR [SIZE=20000] [SEED=1]");
            System.exit(2);
        }
        int size = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
        long seed = args.length > 2 ? Long.parseLong(args[2]) : 1L;
        ReviewsTask task = new ReviewsTask();
        task.write(Path.of(args[0]), seed, size);
        List<GeneratedReview> examples = task.reviews(seed, 10);
        for (GeneratedReview review : examples) {
            GoldScore score = task.goldScorer().score(review.prompt(), review.response());
            System.out.printf(Locale.ROOT, "reward %+.3f cost %.3f %s | %s%n", score.reward(), score.cost(), review.prompt(), review.response());
        }
    }
}
