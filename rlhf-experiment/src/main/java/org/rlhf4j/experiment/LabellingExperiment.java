package org.rlhf4j.experiment;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.rlhf4j.api.config.ArmPlan;
import org.rlhf4j.api.config.ExperimentPlan;
import org.rlhf4j.api.feedback.Choice;
import org.rlhf4j.api.feedback.Comparison;
import org.rlhf4j.api.feedback.Completion;
import org.rlhf4j.api.feedback.FeedbackContext;
import org.rlhf4j.api.feedback.FeedbackException;
import org.rlhf4j.api.feedback.FeedbackSource;
import org.rlhf4j.api.feedback.Preference;
import org.rlhf4j.api.plugin.PluginContext;
import org.rlhf4j.engine.random.Seeds;
import org.rlhf4j.experiment.arm.PreferenceCollection;
import org.rlhf4j.experiment.run.RunDirectory;
import org.rlhf4j.experiment.run.RunDirectoryException;

/**
 * A labelling experiment ({@code data} and {@code arms}): every arm's feedback source judges the configured
 * comparisons in batches, through the run directory's one writer ({@link RunDirectory}). A batch is done when
 * its metrics line is written, the last thing written for it; a resumed run keeps the preferences of done
 * batches only and redoes the rest. A source that learns from the policy ({@link FeedbackSource#learnsFromPolicy()}) first
 * observes each batch's responses as policy samples, then judges the batch, as a discriminator judges
 * the policy that generated them. Every source is built before the first batch, so a bad setting fails
 * before any work.
 */
public final class LabellingExperiment {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ExperimentPlan plan;
    private final Path outDirectory;
    private final boolean resume;
    private final Function<String, String> environment;
    private final PrintWriter log;

    public LabellingExperiment(RunRequest request) {
        requireNonNull(request, "request is null");
        this.plan = request.plan();
        this.outDirectory = request.outDirectory();
        this.resume = request.resume();
        this.environment = request.environment();
        this.log = request.log();
    }

    /** Runs every arm and returns the summary also written to {@code summary.json}. */
    public LabellingSummary run() throws IOException {
        PluginContext pluginContext = PluginContext.of(plan.baseDirectory(), plan.config().seed(), environment,
                plan.createTask());
        Map<ArmPlan, FeedbackSource> sources = new LinkedHashMap<>();
        try {
            for (ArmPlan arm : plan.arms()) {
                try {
                    sources.put(arm, arm.createFeedbackSource(pluginContext));
                }
                catch (IllegalArgumentException e) {
                    throw new RunDirectoryException("arm '" + arm.name() + "' (feedback type " + arm.feedbackType() + "): "
                            + e.getMessage());
                }
            }
            if (!java.nio.file.Files.isRegularFile(plan.comparisonsFile())) {
                throw new RunDirectoryException("comparisons file " + plan.comparisonsFile() + " (data.comparisons) is not a file");
            }
            try (RunDirectory files = RunDirectory.open(outDirectory, resume)) {
                Set<BatchKey> done = new java.util.HashSet<>();
                files.metricsLines().forEach(line -> done.add(key(line)));
                files.dropPreferences(line -> !done.contains(key(line)));
                List<ObjectNode> metrics = new ArrayList<>();
                files.metricsLines().forEach(line -> metrics.add((ObjectNode) line));
                if (resume) {
                    log.printf("Resuming %s: %d batch(es) already done%n", outDirectory, done.size());
                }
                try {
                    for (Map.Entry<ArmPlan, FeedbackSource> arm : sources.entrySet()) {
                        runArm(arm.getKey(), arm.getValue(), files, done, metrics);
                        warnIfUninformative(arm.getKey(), metrics);
                        files.writeSummary(summaryJson(summarize(metrics)).put("status", "running"));
                    }
                }
                catch (RuntimeException e) {
                    // a failed run says so, with what it did before the failure
                    files.writeSummary(summaryJson(summarize(metrics)).put("status", "failed").put("error", String.valueOf(e.getMessage())));
                    throw e;
                }
                LabellingSummary summary = summarize(metrics);
                files.writeSummary(summaryJson(summary).put("status", "complete"));
                return summary;
            }
        }
        finally {
            sources.values().forEach(FeedbackSource::close);
        }
    }

    /** A batch of an arm. */
    private record BatchKey(String arm, long step) {}

    private static BatchKey key(com.fasterxml.jackson.databind.JsonNode line) {
        return new BatchKey(line.path("arm").asText(), line.path("step").asLong(-1));
    }

    private void runArm(ArmPlan arm, FeedbackSource source, RunDirectory files, Set<BatchKey> done, List<ObjectNode> metrics) {
        log.printf("Arm %s: feedback %s, algorithm %s%n", arm.name(), arm.feedbackType(), arm.algorithmType());
        log.flush();
        source.open(context(arm, 0));
        try (ComparisonBatches batches = new ComparisonBatches(plan.comparisonsFile(), plan.config().batchSize())) {
            long step = 0;
            for (List<Comparison> batch = batches.next(); !batch.isEmpty(); batch = batches.next(), step++) {
                FeedbackContext context = context(arm, step);
                boolean skip = done.contains(new BatchKey(arm.name(), step));
                if (skip && !source.learnsFromPolicy()) {
                    continue;
                }
                long start = System.nanoTime();
                // a learning source replays skipped batches' observations so a resumed run ends in the same state
                Map<String, Double> learning = source.learnsFromPolicy() ? source.observe(policySamples(batch), context) : Map.of();
                if (skip) {
                    continue;
                }
                List<Preference> preferences = source.compare(batch, context);
                double seconds = (System.nanoTime() - start) / 1e9;
                if (preferences.size() != batch.size()) {
                    throw new FeedbackException("feedback source " + arm.feedbackType() + " answered " + preferences.size()
                            + " judgments for " + batch.size() + " comparisons");
                }
                for (int i = 0; i < preferences.size(); i++) {
                    files.appendPreference(PreferenceCollection.line(arm.name(), step, i, preferences.get(i)));
                }
                ObjectNode line = metricsJson(arm, step, preferences, learning, seconds);
                source.metrics().forEach(line::put);
                files.append(JSON.convertValue(line, new com.fasterxml.jackson.core.type.TypeReference<Map<String, Object>>() {}));
                metrics.add(line);
            }
        }
    }

    /**
     * Warns when an arm's judgments include ties with confidence 0, which carry no information: a dataset
     * that does not hold the comparisons, or a judge without usable verdicts, usually means a misconfigured arm.
     */
    private void warnIfUninformative(ArmPlan arm, List<ObjectNode> metrics) {
        long judgments = 0;
        long uninformative = 0;
        for (ObjectNode line : metrics) {
            if (line.path("arm").asText().equals(arm.name())) {
                judgments += line.path("judgments").asLong();
                uninformative += line.path("uninformative").asLong();
            }
        }
        if (uninformative > 0) {
            log.printf("Warning: arm %s: %d of %d judgments carried no information (ties with confidence 0: comparisons "
                    + "a dataset does not hold, or a judge without a usable verdict)%n", arm.name(), uninformative, judgments);
            log.flush();
        }
    }

    private FeedbackContext context(ArmPlan arm, long step) {
        return new FeedbackContext(arm.name(), step, Seeds.derive(plan.config().seed(), "arm", arm.name(), "batch", Long.toString(step)));
    }

    private static List<Completion> policySamples(List<Comparison> batch) {
        List<Completion> samples = new ArrayList<>(batch.size() * 2);
        for (Comparison comparison : batch) {
            samples.add(comparison.completionA());
            samples.add(comparison.completionB());
        }
        return samples;
    }

    private static ObjectNode metricsJson(ArmPlan arm, long step, List<Preference> preferences, Map<String, Double> learning,
            double seconds) {
        long a = preferences.stream().filter(p -> p.better() == Choice.A).count();
        long b = preferences.stream().filter(p -> p.better() == Choice.B).count();
        long ties = preferences.size() - a - b;
        ObjectNode line = JSON.createObjectNode();
        line.put("arm", arm.name());
        line.put("step", step);
        line.put("judgments", preferences.size());
        line.put("a_wins", a);
        line.put("b_wins", b);
        line.put("ties", ties);
        line.put("uninformative", preferences.stream().filter(p -> p.better() == Choice.TIE && p.confidence() == 0).count());
        line.put("fraction_a_wins", (double) a / preferences.size());
        line.put("fraction_ties", (double) ties / preferences.size());
        line.put("mean_confidence", preferences.stream().mapToDouble(Preference::confidence).average().orElse(0));
        line.put("batch_seconds", seconds);
        learning.forEach(line::put);
        return line;
    }

    private LabellingSummary summarize(List<ObjectNode> metrics) {
        List<LabellingSummary.ArmSummary> arms = new ArrayList<>();
        for (ArmPlan arm : plan.arms()) {
            long batches = 0;
            long judgments = 0;
            long a = 0;
            long b = 0;
            long ties = 0;
            double seconds = 0;
            for (ObjectNode line : metrics) {
                if (line.path("arm").asText().equals(arm.name())) {
                    batches++;
                    judgments += line.path("judgments").asLong();
                    a += line.path("a_wins").asLong();
                    b += line.path("b_wins").asLong();
                    ties += line.path("ties").asLong();
                    seconds += line.path("batch_seconds").asDouble();
                }
            }
            arms.add(new LabellingSummary.ArmSummary(arm.name(), arm.feedbackType(), arm.algorithmType(), batches, judgments,
                    a, b, ties, seconds));
        }
        return new LabellingSummary(plan.config().name(), arms);
    }

    private ObjectNode summaryJson(LabellingSummary summary) {
        ObjectNode root = JSON.createObjectNode();
        root.put("name", summary.name());
        root.put("config", plan.file().toAbsolutePath().toString());
        ArrayNode arms = root.putArray("arms");
        for (LabellingSummary.ArmSummary arm : summary.arms()) {
            ObjectNode node = arms.addObject();
            node.put("name", arm.name());
            node.put("feedback", arm.feedback());
            node.put("algorithm", arm.algorithm());
            node.put("batches", arm.batches());
            node.put("judgments", arm.judgments());
            node.put("a_wins", arm.aWins());
            node.put("b_wins", arm.bWins());
            node.put("ties", arm.ties());
            node.put("fraction_a_wins", arm.fractionAWins());
            node.put("wall_seconds", arm.wallSeconds());
        }
        return root;
    }
}
