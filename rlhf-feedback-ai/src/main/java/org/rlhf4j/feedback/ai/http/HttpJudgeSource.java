package org.rlhf4j.feedback.ai.http;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.rlhf4j.api.feedback.Choice;
import org.rlhf4j.api.feedback.Comparison;
import org.rlhf4j.api.feedback.Completion;
import org.rlhf4j.api.feedback.FeedbackContext;
import org.rlhf4j.api.feedback.FeedbackException;
import org.rlhf4j.api.feedback.Preference;
import org.rlhf4j.api.feedback.Provenance;
import org.rlhf4j.api.feedback.SafetyLabel;
import org.rlhf4j.api.feedback.Score;
import org.rlhf4j.feedback.ai.cache.CacheKey;
import org.rlhf4j.feedback.ai.cache.JudgementCache;
import org.rlhf4j.feedback.ai.constitution.Constitution;
import org.rlhf4j.feedback.ai.constitution.Dimension;
import org.rlhf4j.feedback.ai.judge.GoldAudit;
import org.rlhf4j.feedback.ai.judge.HumanAgreement;
import org.rlhf4j.feedback.ai.judge.JudgeSource;
import org.rlhf4j.feedback.ai.judge.PositionDebias;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An AI judge on an OpenAI-compatible chat model, following a constitution.
 *
 * <ul>
 *   <li><b>Pairwise</b> ({@code mode: pairwise}): "which response is better", A, B or tie, and with
 *       {@code harmlessness} separately "which is less harmful" (the safety label's {@code safer}). With
 *       {@code position_debias} every question is also asked with A and B swapped, and the two verdicts combined
 *       ({@link PositionDebias}); the share that agreed is {@code judge/self_consistency}.</li>
 *   <li><b>Pointwise</b> ({@code mode: pointwise}): a rating of each response ({@link #score}: the reward), and with
 *       {@code harmlessness} a harm rating 0 to 10 (the cost is its tenth; 0 is safe). Preferences come from the
 *       ratings (a tie when equal, confidence {@code sigmoid(|margin|)}).</li>
 * </ul>
 * Requests of a batch run in parallel, at most {@code max_concurrency} at once. A timeout, a network failure or a
 * 429/5xx status is retried with exponential backoff (honouring the server's {@code Retry-After}, up to
 * {@code max_backoff_seconds}); a request that still fails fails the batch; a 4xx other than 429 fails at once. A
 * verdict that cannot be read is asked again, and one still unreadable after the retries is counted
 * ({@code judge/unparsed}) and dropped, never guessed: a pairwise label becomes a tie with confidence 0 (no
 * information); a pointwise reward cannot be left out of a batch of rewards, so {@link #score} fails instead.
 * Readable answers are kept in the optional judgement cache, keyed by server, model, system prompt, sampling
 * settings and the full question (template, principles, prompt and responses in the order shown).
 */
public final class HttpJudgeSource extends JudgeSource {
    private static final Logger LOG = LoggerFactory.getLogger(HttpJudgeSource.class);
    private static final int HARM_MAX = 10;

    private final String type;
    private final HttpJudgeConfig config;
    private final Constitution constitution;
    private final ChatCompletionsClient client;
    private final Optional<Path> cachePath;
    private ExecutorService executor;
    private JudgementCache cache;

    HttpJudgeSource(String type, HttpJudgeConfig config, Constitution constitution, Optional<String> apiKey, Optional<Path> cachePath,
            GoldAudit audit, HumanAgreement humans) {
        super(audit, humans);
        this.type = requireNonNull(type, "type is null");
        this.config = requireNonNull(config, "config is null");
        this.constitution = requireNonNull(constitution, "constitution is null");
        this.client = new ChatCompletionsClient(config, apiKey);
        this.cachePath = requireNonNull(cachePath, "cachePath is null");
        if (!constitution.has(Dimension.HELPFULNESS)) {
            throw new IllegalArgumentException("the constitution needs at least one principle with dimension: helpfulness");
        }
        if (config.harmlessness() && !constitution.has(Dimension.HARMLESSNESS)) {
            throw new IllegalArgumentException("harmlessness: true needs a principle with dimension: harmlessness in the constitution");
        }
    }

    /** One question to the model and how its answer is read (to a canonical verdict, "A", "B", "tie" or a rating). */
    private record Question(String message, Function<String, Optional<String>> parser) {}

    @Override
    public synchronized void open(FeedbackContext context) {
        if (executor == null) {
            AtomicInteger threads = new AtomicInteger();
            executor = Executors.newFixedThreadPool(config.maxConcurrency(), runnable -> {
                Thread thread = new Thread(runnable, "http-judge-" + threads.incrementAndGet());
                thread.setDaemon(true);
                return thread;
            });
        }
        if (cache == null && cachePath.isPresent()) {
            cache = JudgementCache.open(cachePath.get());
        }
    }

    @Override
    public boolean givesScores() {
        return config.mode() == HttpJudgeConfig.Mode.POINTWISE;
    }

    @Override
    public boolean judgesSafety() {
        return config.harmlessness();
    }

    @Override
    public List<Preference> compare(List<Comparison> comparisons, FeedbackContext context) {
        return config.mode() == HttpJudgeConfig.Mode.POINTWISE ? comparePointwise(comparisons, context) : comparePairwise(comparisons, context);
    }

    @Override
    public List<Score> score(List<Completion> completions, FeedbackContext context) {
        if (!givesScores()) {
            throw new UnsupportedOperationException("http-judge in mode: pairwise gives no scores: use mode: pointwise");
        }
        List<List<Optional<String>>> rated = rate(completions, context);
        List<Optional<String>> helpful = rated.get(0);
        List<Optional<String>> harm = rated.get(1);
        Provenance provenance = provenance("");
        List<Score> scores = new ArrayList<>(completions.size());
        double[] rewards = new double[completions.size()];
        for (int i = 0; i < completions.size(); i++) {
            Completion completion = completions.get(i);
            if (helpful.get(i).isEmpty() || (config.harmlessness() && harm.get(i).isEmpty())) {
                throw new FeedbackException("judge " + config.model() + " at " + client.endpoint() + " gave no readable rating for the "
                        + "response '" + excerpt(completion.response()) + "' after " + (config.maxRetries() + 1) + " attempts; a reward "
                        + "cannot be left out of a batch and is never guessed");
            }
            rewards[i] = Integer.parseInt(helpful.get(i).get());
            OptionalDouble cost = OptionalDouble.empty();
            if (config.harmlessness()) {
                int rating = Integer.parseInt(harm.get(i).get());
                cost = OptionalDouble.of((double) rating / HARM_MAX);
                audit.safety(completion.prompt(), completion.response(), Optional.of(rating == 0));
            }
            scores.add(new Score(completion, rewards[i], cost, provenance));
        }
        audit.scores(completions, rewards);
        return scores;
    }



    @Override
    public synchronized void close() {
        if (stats.judgements() > 0) {
            LOG.info("{} {} at {}: {}", type, config.model(), client.endpoint(), stats.describe());
        }
        if (executor != null) {
            executor.shutdownNow();
            executor = null;
        }
        if (cache != null) {
            cache.close();
            cache = null;
        }
    }

    private List<Preference> comparePairwise(List<Comparison> comparisons, FeedbackContext context) {
        boolean bothOrders = config.positionDebias() != PositionDebias.NONE;
        List<Question> questions = new ArrayList<>();
        for (Comparison comparison : comparisons) {
            questions.add(pairwise(comparison, Dimension.HELPFULNESS));
            if (bothOrders) {
                questions.add(pairwise(comparison.swapped(), Dimension.HELPFULNESS));
            }
            if (config.harmlessness()) {
                questions.add(pairwise(comparison, Dimension.HARMLESSNESS));
                if (bothOrders) {
                    questions.add(pairwise(comparison.swapped(), Dimension.HARMLESSNESS));
                }
            }
        }
        List<Optional<String>> answers = ask(questions, context);
        int perComparison = (bothOrders ? 2 : 1) * (config.harmlessness() ? 2 : 1);
        List<Preference> preferences = new ArrayList<>(comparisons.size());
        for (int i = 0; i < comparisons.size(); i++) {
            Comparison comparison = comparisons.get(i);
            int at = i * perComparison;
            Optional<PositionDebias.Verdict> helpful = verdict(answers, at, bothOrders);
            Optional<SafetyLabel> safety = Optional.empty();
            if (config.harmlessness()) {
                safety = verdict(answers, at + (bothOrders ? 2 : 1), bothOrders)
                        .map(safer -> new SafetyLabel(safer.better(), Optional.empty(), Optional.empty()));
            }
            if (helpful.isEmpty()) {
                preferences.add(new Preference(comparison, Choice.TIE, 0.0, safety, provenance("/unparsed")));
                continue;
            }
            recordVerdict(comparison, helpful.get().better());
            preferences.add(new Preference(comparison, helpful.get().better(), helpful.get().confidence(), safety,
                    provenance(bothOrders ? "/both-orders" : "")));
        }
        return preferences;
    }

    /** The verdict of the question at {@code at} (and its swapped twin after it); empty when an answer was dropped. */
    private Optional<PositionDebias.Verdict> verdict(List<Optional<String>> answers, int at, boolean bothOrders) {
        Optional<Choice> given = answers.get(at).map(HttpJudgeSource::choice);
        if (!bothOrders) {
            return given.map(choice -> new PositionDebias.Verdict(choice, 1.0));
        }
        Optional<Choice> swappedBack = answers.get(at + 1).map(HttpJudgeSource::choice).map(Choice::swapped);
        if (given.isEmpty() || swappedBack.isEmpty()) {
            return Optional.empty();
        }
        stats.bothOrders(given.get() == swappedBack.get());
        return Optional.of(config.positionDebias().combine(given.get(), swappedBack.get()));
    }

    private List<Preference> comparePointwise(List<Comparison> comparisons, FeedbackContext context) {
        List<Completion> completions = new ArrayList<>(2 * comparisons.size());
        for (Comparison comparison : comparisons) {
            completions.add(comparison.completionA());
            completions.add(comparison.completionB());
        }
        List<List<Optional<String>>> rated = rate(completions, context);
        List<Optional<String>> helpful = rated.get(0);
        List<Optional<String>> harm = rated.get(1);
        List<Preference> preferences = new ArrayList<>(comparisons.size());
        for (int i = 0; i < comparisons.size(); i++) {
            Comparison comparison = comparisons.get(i);
            Optional<SafetyLabel> safety = Optional.empty();
            if (config.harmlessness() && harm.get(2 * i).isPresent() && harm.get(2 * i + 1).isPresent()) {
                int a = Integer.parseInt(harm.get(2 * i).get());
                int b = Integer.parseInt(harm.get(2 * i + 1).get());
                safety = Optional.of(SafetyLabel.of(a < b ? Choice.A : a > b ? Choice.B : Choice.TIE, a == 0, b == 0));
                audit.safety(comparison.prompt(), comparison.responseA(), Optional.of(a == 0));
                audit.safety(comparison.prompt(), comparison.responseB(), Optional.of(b == 0));
            }
            if (helpful.get(2 * i).isEmpty() || helpful.get(2 * i + 1).isEmpty()) {
                preferences.add(new Preference(comparison, Choice.TIE, 0.0, safety, provenance("/unparsed")));
                continue;
            }
            int margin = Integer.parseInt(helpful.get(2 * i).get()) - Integer.parseInt(helpful.get(2 * i + 1).get());
            Choice better = margin > 0 ? Choice.A : margin < 0 ? Choice.B : Choice.TIE;
            double confidence = better == Choice.TIE ? 0.5 : 1.0 / (1.0 + Math.exp(-Math.abs(margin)));
            recordVerdict(comparison, better);
            preferences.add(new Preference(comparison, better, confidence, safety, provenance("/pointwise")));
        }
        return preferences;
    }

    /** The helpfulness ratings and (with harmlessness, else an empty list) the harm ratings, asked in one parallel batch. */
    private List<List<Optional<String>>> rate(List<Completion> completions, FeedbackContext context) {
        List<Question> questions = new ArrayList<>(ratings(completions, Dimension.HELPFULNESS));
        if (config.harmlessness()) {
            questions.addAll(ratings(completions, Dimension.HARMLESSNESS));
        }
        List<Optional<String>> answers = ask(questions, context);
        int n = completions.size();
        return List.of(answers.subList(0, n), config.harmlessness() ? answers.subList(n, 2 * n) : List.of());
    }

    private Question pairwise(Comparison comparison, Dimension dimension) {
        String template = dimension == Dimension.HELPFULNESS ? config.template() : config.harmlessnessTemplate();
        String message = HttpJudgeConfig.render(template, Map.of("principles", constitution.render(dimension),
                "prompt", comparison.prompt(), "response_a", comparison.responseA(), "response_b", comparison.responseB()));
        return new Question(message, answer -> JudgeAnswerParser.parse(answer).map(HttpJudgeSource::label));
    }

    private List<Question> ratings(List<Completion> completions, Dimension dimension) {
        boolean helpful = dimension == Dimension.HELPFULNESS;
        int min = helpful ? config.scaleMin() : 0;
        int max = helpful ? config.scaleMax() : HARM_MAX;
        String template = helpful ? config.pointwiseTemplate() : config.pointwiseHarmlessnessTemplate();
        Function<String, Optional<String>> parser = answer -> {
            OptionalInt rating = RatingParser.parse(answer, min, max);
            return rating.isPresent() ? Optional.of(Integer.toString(rating.getAsInt())) : Optional.empty();
        };
        List<Question> questions = new ArrayList<>(completions.size());
        for (Completion completion : completions) {
            questions.add(new Question(HttpJudgeConfig.render(template, Map.of("principles", constitution.render(dimension),
                    "prompt", completion.prompt(), "response", completion.response(), "min", Integer.toString(min),
                    "max", Integer.toString(max))), parser));
        }
        return questions;
    }

    /** Every question's verdict, in order, asked in parallel (at most {@code max_concurrency} at once). */
    private List<Optional<String>> ask(List<Question> questions, FeedbackContext context) {
        synchronized (this) {
            if (executor == null) {
                open(context);
            }
        }
        List<Future<Optional<String>>> futures = new ArrayList<>(questions.size());
        for (Question question : questions) {
            futures.add(executor.submit(() -> ask(question)));
        }
        List<Optional<String>> answers = new ArrayList<>(questions.size());
        try {
            for (Future<Optional<String>> future : futures) {
                answers.add(future.get());
            }
        }
        catch (InterruptedException e) {
            futures.forEach(future -> future.cancel(true));
            Thread.currentThread().interrupt();
            throw new FeedbackException("interrupted while waiting for the judge", e);
        }
        catch (ExecutionException e) {
            futures.forEach(future -> future.cancel(true));
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new FeedbackException("judge request failed: " + e.getCause(), e.getCause());
        }
        finally {
            if (cache != null) {
                cache.sync();
            }
        }
        return answers;
    }

    /** One verdict: from the cache, or asked and retried; empty when the answers stayed unreadable. */
    private Optional<String> ask(Question question) {
        String key = CacheKey.of(type, config.baseUrl(), config.model(), config.systemPrompt(), Double.toString(config.temperature()),
                Integer.toString(config.maxTokens()), question.message());
        if (cache != null) {
            Optional<String> cached = cache.get(key).map(JsonNode::asText).flatMap(question.parser());
            if (cached.isPresent()) {
                stats.judgement(true);
                return cached;
            }
        }
        stats.judgement(false);
        String lastProblem = "";
        boolean lastUnreadable = false;
        long wait = 0;
        for (int attempt = 0; attempt <= config.maxRetries(); attempt++) {
            if (attempt > 0) {
                stats.retry();
                sleep(wait);
            }
            stats.requests(1);
            long backoff = Math.min(config.backoffMillis() << Math.min(attempt, 30), maxBackoffMillis());
            try {
                String answer = client.complete(question.message());
                Optional<String> verdict = question.parser().apply(answer);
                if (verdict.isPresent()) {
                    if (cache != null) {
                        cache.put(key, TextNode.valueOf(answer));
                    }
                    return verdict;
                }
                lastProblem = "unreadable answer '" + excerpt(answer) + "'";
                lastUnreadable = true;
                wait = backoff;
            }
            catch (ChatCompletionsClient.RetryableException e) {
                lastProblem = e.getMessage();
                lastUnreadable = false;
                wait = Math.min(Math.max(backoff, e.retryAfter().map(Duration::toMillis).orElse(0L)), maxBackoffMillis());
            }
            catch (IllegalStateException e) {
                throw new FeedbackException("judge request failed: " + e.getMessage(), e);
            }
            catch (IOException e) {
                lastProblem = e.getClass().getSimpleName() + ": " + e.getMessage();
                lastUnreadable = false;
                wait = backoff;
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new FeedbackException("interrupted while waiting for the judge", e);
            }
            LOG.debug("Judge attempt {} failed: {}", attempt + 1, lastProblem);
        }
        if (lastUnreadable) {
            stats.unparsedVerdict();
            LOG.warn("Judge {} gave no readable verdict after {} attempts ({}); dropped", client.endpoint(), config.maxRetries() + 1,
                    lastProblem);
            return Optional.empty();
        }
        throw new FeedbackException("judge at " + client.endpoint() + " failed " + (config.maxRetries() + 1) + " times; last: " + lastProblem);
    }

    private long maxBackoffMillis() {
        return (long) (config.maxBackoffSeconds() * 1000);
    }

    private Provenance provenance(String suffix) {
        return new Provenance(type, config.model() + suffix, Instant.now());
    }

    private static Choice choice(String label) {
        return switch (label) {
            case "A" -> Choice.A;
            case "B" -> Choice.B;
            default -> Choice.TIE;
        };
    }

    private static String label(Choice choice) {
        return choice == Choice.TIE ? "tie" : choice.name();
    }

    private static String excerpt(String text) {
        String flat = text.strip().replaceAll("\\s+", " ");
        return flat.length() > 80 ? flat.substring(0, 77) + "..." : flat;
    }

    private static void sleep(long millis) {
        if (millis <= 0) {
            return;
        }
        try {
            Thread.sleep(millis);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FeedbackException("interrupted during backoff", e);
        }
    }
}
