package org.rlhf4j.experiment.arm;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.rlhf4j.algorithms.preference.LabelledPair;
import org.rlhf4j.api.config.PreferencesConfig;
import org.rlhf4j.api.feedback.Choice;
import org.rlhf4j.api.feedback.Comparison;
import org.rlhf4j.api.feedback.Completion;
import org.rlhf4j.api.feedback.FeedbackContext;
import org.rlhf4j.api.feedback.FeedbackException;
import org.rlhf4j.api.feedback.FeedbackSource;
import org.rlhf4j.api.feedback.Preference;
import org.rlhf4j.api.feedback.SafetyLabel;
import org.rlhf4j.api.task.GoldScore;
import org.rlhf4j.api.task.GoldScorer;
import org.rlhf4j.engine.generation.Generator;
import org.rlhf4j.engine.model.TransformerWeights;
import org.rlhf4j.engine.random.Rng;
import org.rlhf4j.engine.random.Seeds;
import org.rlhf4j.engine.tokenizer.Tokenizer;
import org.rlhf4j.engine.train.ProgressListener;
import org.rlhf4j.experiment.run.RunDirectory;

/**
 * Collects an arm's preferences: {@code pairs} TRAIN prompts (cycled in a seeded order), two responses each
 * sampled from the policy, judged by the arm's feedback source through the SPI in batches of
 * {@code batch_size} comparisons (a learning source first observes each batch's responses as policy samples).
 * Each judgment is written to {@code preferences.jsonl} with its provenance and, for auditing only, the gold
 * reward and cost of both responses (never shown to a learner).
 *
 * <p>Resume: an arm whose {@code preferences.jsonl} lines are all there is read back; an interrupted one is
 * collected again from scratch (sampling and labels are seeded, so the lines come out the same).
 *
 * <p>Rounds ({@link #inRound}): the collection of one round of an arm with {@code rounds > 1} writes {@code round} on
 * every line and reads back, or drops before collecting again, only that round's lines (a line without {@code round}
 * is round 1's).
 */
public final class PreferenceCollection {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String arm;
    private final PreferencesConfig config;
    private final Tokenizer tokenizer;
    private final GoldScorer gold;
    private final List<String> trainPrompts;
    private final long seed;
    private final RunDirectory run;
    /** The progress phase of preference collection. */
    public static final String PHASE = "preferences";

    private final PrintWriter log;
    private ProgressListener progress = ProgressListener.NONE;
    /** The round this collection is, 0 for an arm without rounds (its lines carry no {@code round}). */
    private int round;

    /**
     * @param arm the arm's name
     * @param config how many pairs, sampled how
     * @param tokenizer the policy's tokenizer
     * @param gold the task's gold scorer (for the audit columns only)
     * @param trainPrompts the task's TRAIN prompts
     * @param seed the arm's preference seed
     * @param run where the lines go
     * @param log progress messages
     */
    public PreferenceCollection(String arm, PreferencesConfig config, Tokenizer tokenizer, GoldScorer gold,
            List<String> trainPrompts, long seed, RunDirectory run, PrintWriter log) {
        this.arm = requireNonNull(arm, "arm is null");
        this.config = requireNonNull(config, "config is null");
        this.tokenizer = requireNonNull(tokenizer, "tokenizer is null");
        this.gold = requireNonNull(gold, "gold is null");
        this.trainPrompts = List.copyOf(trainPrompts);
        this.seed = seed;
        this.run = requireNonNull(run, "run is null");
        this.log = requireNonNull(log, "log is null");
        if (this.trainPrompts.isEmpty()) {
            throw new IllegalArgumentException("the task has no TRAIN prompts");
        }
    }

    /**
     * Makes this the collection of round {@code round} (from 1) of an arm with rounds: its lines carry {@code round}, and
     * only they are read back or dropped; returns this collection.
     */
    public PreferenceCollection inRound(int round) {
        if (round < 1) {
            throw new IllegalArgumentException("round must be >= 1, got " + round);
        }
        this.round = round;
        return this;
    }

    /** Whether a line of {@code preferences.jsonl} (or a metrics line) is this collection's: its arm's, and its round's. */
    private boolean ours(JsonNode line) {
        return arm.equals(line.path("arm").asText()) && (round == 0 || RoundSink.roundOf(line) == round);
    }

    /** The arm's preferences as written by an earlier attempt, if it wrote all of them. */
    public Optional<List<LabelledPair>> completed() throws IOException {
        List<LabelledPair> pairs = new ArrayList<>();
        for (JsonNode line : run.preferenceLines()) {
            if (ours(line)) {
                pairs.add(parse(line));
            }
        }
        return pairs.size() == config.pairs() ? Optional.of(pairs) : Optional.empty();
    }

    /** Told after every batch of judged pairs (phase {@value #PHASE}, step = pairs done); returns this collection. */
    public PreferenceCollection onBatch(ProgressListener listener) {
        this.progress = requireNonNull(listener, "listener is null");
        return this;
    }

    /** Samples and labels the pairs, writing every judgment; the source must be open. */
    public List<LabelledPair> collect(TransformerWeights policy, FeedbackSource source, String sourceType) throws IOException {
        run.dropPreferences(this::ours);
        run.dropMetrics(line -> ours(line) && "preferences".equals(line.path("phase").asText()));
        int[] order = new Rng(Seeds.derive(seed, "prompt-order")).permutation(trainPrompts.size());
        List<LabelledPair> pairs = new ArrayList<>(config.pairs());
        long started = System.nanoTime();
        try (Generator generator = new Generator(policy)) {
            for (int start = 0, batchIndex = 0; start < config.pairs(); start += config.batchSize(), batchIndex++) {
                int count = Math.min(config.batchSize(), config.pairs() - start);
                List<String> prompts = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    prompts.add(trainPrompts.get(order[(start + i) % order.length]));
                }
                List<Comparison> batch = sample(generator, policy.config().maxSeqLen(), prompts,
                        new Rng(Seeds.derive(seed, "sample", Integer.toString(batchIndex))));
                FeedbackContext context = new FeedbackContext(arm, batchIndex, Seeds.derive(seed, "feedback", Integer.toString(batchIndex)));
                if (source.learnsFromPolicy()) {
                    List<Completion> samples = new ArrayList<>(2 * batch.size());
                    batch.forEach(c -> {
                        samples.add(c.completionA());
                        samples.add(c.completionB());
                    });
                    Map<String, Double> learned = source.observe(samples, context);
                    if (!learned.isEmpty()) {
                        Map<String, Object> line = new java.util.LinkedHashMap<>();
                        line.put("arm", arm);
                        if (round > 0) {
                            line.put("round", round);
                        }
                        line.put("phase", "preferences");
                        line.put("step", batchIndex);
                        line.putAll(learned);
                        run.append(line);
                    }
                }
                List<Preference> judged = source.compare(batch, context);
                if (judged.size() != batch.size()) {
                    throw new FeedbackException("feedback type '" + sourceType + "' answered " + judged.size() + " judgments for "
                            + batch.size() + " comparisons");
                }
                for (int i = 0; i < judged.size(); i++) {
                    run.appendPreference(line(batchIndex, start + i, judged.get(i)));
                    pairs.add(LabelledPair.of(judged.get(i)));
                }
                progress.stepDone(arm, PHASE, start + count, config.pairs());
            }
        }
        log.printf("Arm %s: %d preferences from %s in %.1f s%n", arm, pairs.size(), sourceType, (System.nanoTime() - started) / 1e9);
        log.flush();
        return pairs;
    }

    /**
     * Takes a dataset's preferences as the arm's (a source whose {@link FeedbackSource#datasetPreferences()} holds
     * pairs: nothing is sampled), writing every one to {@code preferences.jsonl} as {@link #collect} does, in
     * batches of {@code batch_size} for the {@code step} field.
     */
    public List<LabelledPair> fromDataset(List<Preference> dataset, String sourceType) throws IOException {
        if (dataset.isEmpty()) {
            throw new FeedbackException("feedback type '" + sourceType + "' holds an empty dataset: arm " + arm + " has no pairs to train on");
        }
        run.dropPreferences(this::ours);
        List<LabelledPair> pairs = new ArrayList<>(dataset.size());
        for (int i = 0; i < dataset.size(); i++) {
            run.appendPreference(line(i / config.batchSize(), i, dataset.get(i)));
            pairs.add(LabelledPair.of(dataset.get(i)));
        }
        log.printf("Arm %s: %d preferences from the %s dataset (no pairs sampled)%n", arm, pairs.size(), sourceType);
        log.flush();
        return pairs;
    }

    /** Two responses per prompt, as comparisons. */
    private List<Comparison> sample(Generator generator, int maxSeqLen, List<String> prompts, Rng rng) {
        return PairSampling.sample(generator, tokenizer, maxSeqLen, prompts, config.maxNewTokens(), config.temperature(), rng,
                "a TRAIN prompt");
    }

    private ObjectNode line(int batchIndex, int index, Preference preference) {
        Comparison comparison = preference.comparison();
        ObjectNode line = line(arm, batchIndex, index, preference);
        if (round > 0) {
            line.put("round", round);
        }
        GoldScore a = gold.score(comparison.prompt(), comparison.responseA());
        GoldScore b = gold.score(comparison.prompt(), comparison.responseB());
        line.put("gold_reward_a", a.reward());
        line.put("gold_reward_b", b.reward());
        line.put("gold_cost_a", a.cost());
        line.put("gold_cost_b", b.cost());
        return line;
    }

    /**
     * A {@code preferences.jsonl} line: {@code arm, step, index, prompt, response_a, response_b, better, confidence},
     * the optional {@code safety} ({@code safer, response_a_safe, response_b_safe}) and the provenance
     * ({@code source_type, judge_id, timestamp}).
     */
    public static ObjectNode line(String arm, long batchIndex, int index, Preference preference) {
        Comparison comparison = preference.comparison();
        ObjectNode line = JSON.createObjectNode();
        line.put("arm", arm);
        line.put("step", batchIndex);
        line.put("index", index);
        line.put("prompt", comparison.prompt());
        line.put("response_a", comparison.responseA());
        line.put("response_b", comparison.responseB());
        line.put("better", label(preference.better()));
        line.put("confidence", preference.confidence());
        preference.safety().ifPresent(safety -> {
            ObjectNode node = line.putObject("safety");
            node.put("safer", label(safety.safer()));
            safety.responseASafe().ifPresent(safe -> node.put("response_a_safe", safe));
            safety.responseBSafe().ifPresent(safe -> node.put("response_b_safe", safe));
        });
        line.put("source_type", preference.provenance().sourceType());
        line.put("judge_id", preference.provenance().judgeId());
        line.put("timestamp", preference.provenance().timestamp().toString());
        return line;
    }

    /** A {@code preferences.jsonl} line back as a pair. */
    static LabelledPair parse(JsonNode line) {
        Optional<SafetyLabel> safety = Optional.empty();
        JsonNode node = line.get("safety");
        if (node != null) {
            safety = Optional.of(new SafetyLabel(choice(node.path("safer").asText()),
                    node.has("response_a_safe") ? Optional.of(node.get("response_a_safe").asBoolean()) : Optional.empty(),
                    node.has("response_b_safe") ? Optional.of(node.get("response_b_safe").asBoolean()) : Optional.empty()));
        }
        return new LabelledPair(line.path("prompt").asText(), line.path("response_a").asText(), line.path("response_b").asText(),
                choice(line.path("better").asText()), line.path("confidence").asDouble(), safety);
    }

    static String label(Choice choice) {
        return choice == Choice.TIE ? "tie" : choice.name();
    }

    private static Choice choice(String label) {
        return switch (label) {
            case "A" -> Choice.A;
            case "B" -> Choice.B;
            case "tie" -> Choice.TIE;
            default -> throw new IllegalArgumentException("bad label in " + RunDirectory.PREFERENCES + ": '" + label + "'");
        };
    }
}
