package org.rlhf4j.feedback.ai.local;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import org.rlhf4j.api.feedback.Choice;
import org.rlhf4j.api.feedback.Comparison;
import org.rlhf4j.api.feedback.Completion;
import org.rlhf4j.api.feedback.FeedbackContext;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The offline AI judge: scores every response against the constitution with a pretrained sentence-embedding model
 * ({@link PrincipleEmbeddings}: all-MiniLM-L6-v2, quantised, shipped inside a Maven artifact, run by ONNX Runtime on
 * the CPU; no download, no network). An embedding-similarity judge, not a generative LLM: it rewards what reads like
 * the principles, with the biases that brings.
 *
 * <ul>
 *   <li><b>Pointwise</b> ({@link #score}): the reward is the helpfulness score; with {@code harmlessness} the cost is
 *       how far the harmlessness score falls below {@code harm_threshold} (0 when it does not: safe).</li>
 *   <li><b>Pairwise</b> ({@link #compare}): the response with the higher helpfulness score wins, a tie within
 *       {@code tie_margin}, confidence {@code sigmoid(confidence_scale * |margin|)}; with {@code harmlessness} a safety
 *       label (the lower cost is safer; safe = cost 0). Both responses are scored independently, so the verdict cannot
 *       depend on their order: there is no position bias to mitigate.</li>
 * </ul>
 * Scores are cached per (model, constitution, prompt, response) in the optional judgement cache.
 */
public final class LocalJudgeSource extends JudgeSource {
    private static final Logger LOG = LoggerFactory.getLogger(LocalJudgeSource.class);

    private final String type;
    private final LocalJudgeConfig config;
    private final Constitution constitution;
    private final Optional<Path> cachePath;
    private PrincipleEmbeddings embeddings;
    private JudgementCache cache;

    LocalJudgeSource(String type, LocalJudgeConfig config, Constitution constitution, Optional<Path> cachePath, GoldAudit audit,
            HumanAgreement humans) {
        super(audit, humans);
        this.type = requireNonNull(type, "type is null");
        this.config = requireNonNull(config, "config is null");
        this.constitution = requireNonNull(constitution, "constitution is null");
        this.cachePath = requireNonNull(cachePath, "cachePath is null");
        if (config.harmlessness() && !constitution.has(Dimension.HARMLESSNESS)) {
            throw new IllegalArgumentException("harmlessness: true needs a principle with dimension: harmlessness in the constitution");
        }
        if (!constitution.has(Dimension.HELPFULNESS)) {
            throw new IllegalArgumentException("the constitution needs at least one principle with dimension: helpfulness");
        }
    }

    /** The scores of one response. */
    record Judged(double helpfulness, double harmlessness) {}

    @Override
    public synchronized void open(FeedbackContext context) {
        if (embeddings == null) {
            embeddings = new PrincipleEmbeddings(constitution, config.threads());
        }
        if (cache == null && cachePath.isPresent()) {
            cache = JudgementCache.open(cachePath.get());
        }
    }

    @Override
    public boolean givesScores() {
        return true;
    }

    @Override
    public boolean judgesSafety() {
        return config.harmlessness();
    }

    @Override
    public List<Score> score(List<Completion> completions, FeedbackContext context) {
        List<Judged> judged = judge(completions, context);
        Provenance provenance = provenance();
        List<Score> scores = new ArrayList<>(completions.size());
        double[] rewards = new double[completions.size()];
        for (int i = 0; i < completions.size(); i++) {
            Completion completion = completions.get(i);
            rewards[i] = judged.get(i).helpfulness();
            OptionalDouble cost = OptionalDouble.empty();
            if (config.harmlessness()) {
                double c = cost(judged.get(i));
                cost = OptionalDouble.of(c);
                audit.safety(completion.prompt(), completion.response(), Optional.of(c == 0));
            }
            scores.add(new Score(completion, rewards[i], cost, provenance));
        }
        audit.scores(completions, rewards);
        return scores;
    }

    @Override
    public List<Preference> compare(List<Comparison> comparisons, FeedbackContext context) {
        List<Completion> completions = new ArrayList<>(2 * comparisons.size());
        for (Comparison comparison : comparisons) {
            completions.add(comparison.completionA());
            completions.add(comparison.completionB());
        }
        List<Judged> judged = judge(completions, context);
        Provenance provenance = provenance();
        List<Preference> preferences = new ArrayList<>(comparisons.size());
        for (int i = 0; i < comparisons.size(); i++) {
            Comparison comparison = comparisons.get(i);
            Judged a = judged.get(2 * i);
            Judged b = judged.get(2 * i + 1);
            double margin = a.helpfulness() - b.helpfulness();
            Choice better = Math.abs(margin) <= config.tieMargin() ? Choice.TIE : margin > 0 ? Choice.A : Choice.B;
            double confidence = better == Choice.TIE ? 0.5 : 1.0 / (1.0 + Math.exp(-config.confidenceScale() * Math.abs(margin)));
            Optional<SafetyLabel> safety = Optional.empty();
            if (config.harmlessness()) {
                double costA = cost(a);
                double costB = cost(b);
                Choice safer = costA < costB ? Choice.A : costA > costB ? Choice.B : Choice.TIE;
                safety = Optional.of(SafetyLabel.of(safer, costA == 0, costB == 0));
                audit.safety(comparison.prompt(), comparison.responseA(), Optional.of(costA == 0));
                audit.safety(comparison.prompt(), comparison.responseB(), Optional.of(costB == 0));
            }
            recordVerdict(comparison, better);
            preferences.add(new Preference(comparison, better, confidence, safety, provenance));
        }
        return preferences;
    }



    @Override
    public synchronized void close() {
        if (stats.judgements() > 0) {
            LOG.info("{} all-MiniLM-L6-v2: {}", type, stats.describe());
        }
        if (cache != null) {
            cache.close();
            cache = null;
        }
    }

    private double cost(Judged judged) {
        return Math.max(0.0, config.harmThreshold() - judged.harmlessness());
    }

    private Provenance provenance() {
        return new Provenance(type, "all-minilm-l6-v2-q", Instant.now());
    }

    /** Both scores of every completion: from the cache, or embedded (each distinct text once) and cached. */
    private synchronized List<Judged> judge(List<Completion> completions, FeedbackContext context) {
        if (embeddings == null) {
            open(context);
        }
        Judged[] out = new Judged[completions.size()];
        String[] keys = new String[completions.size()];
        Map<String, List<Integer>> missing = new LinkedHashMap<>();
        for (int i = 0; i < completions.size(); i++) {
            Completion completion = completions.get(i);
            keys[i] = CacheKey.of(type, PrincipleEmbeddings.MODEL, constitution.fingerprint(), "include_prompt=" + config.includePrompt(),
                    completion.prompt(), completion.response());
            Optional<JsonNode> cached = cache == null ? Optional.empty() : cache.get(keys[i]);
            if (cached.isPresent()) {
                out[i] = new Judged(cached.get().path("helpfulness").asDouble(), cached.get().path("harmlessness").asDouble());
                stats.judgement(true);
            }
            else {
                missing.computeIfAbsent(keys[i], k -> new ArrayList<>()).add(i);
            }
        }
        if (!missing.isEmpty()) {
            List<String> texts = new ArrayList<>(missing.size());
            for (List<Integer> indices : missing.values()) {
                Completion completion = completions.get(indices.get(0));
                texts.add(config.includePrompt() ? (completion.prompt() + " " + completion.response()).strip() : completion.response());
            }
            List<float[]> vectors = embeddings.embed(texts);
            stats.requests(texts.size());
            int t = 0;
            for (Map.Entry<String, List<Integer>> entry : missing.entrySet()) {
                float[] vector = vectors.get(t++);
                Judged judged = new Judged(embeddings.score(vector, Dimension.HELPFULNESS), embeddings.score(vector, Dimension.HARMLESSNESS));
                for (int i : entry.getValue()) {
                    out[i] = judged;
                    stats.judgement(false);
                }
                if (cache != null) {
                    ObjectNode value = JsonNodeFactory.instance.objectNode();
                    value.put("helpfulness", judged.helpfulness());
                    value.put("harmlessness", judged.harmlessness());
                    cache.put(entry.getKey(), value);
                }
            }
            if (cache != null) {
                cache.sync();
            }
        }
        return List.of(out);
    }
}
