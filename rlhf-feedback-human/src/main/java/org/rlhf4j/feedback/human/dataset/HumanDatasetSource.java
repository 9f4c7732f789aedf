package org.rlhf4j.feedback.human.dataset;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.rlhf4j.api.feedback.Choice;
import org.rlhf4j.api.feedback.Comparison;
import org.rlhf4j.api.feedback.FeedbackContext;
import org.rlhf4j.api.feedback.FeedbackException;
import org.rlhf4j.api.feedback.FeedbackSource;
import org.rlhf4j.api.feedback.Preference;
import org.rlhf4j.api.feedback.Provenance;
import org.rlhf4j.api.feedback.SafetyLabel;
import org.rlhf4j.feedback.human.dataset.HumanDatasetConfig.OnUnknown;

/**
 * Answers comparisons from a labelled dataset. A comparison matches a label with the same prompt and
 * responses, character for character, in either order (a swapped match swaps the label). A comparison
 * that matches nothing fails the request (naming the prompt and where the responses differ) or, with
 * {@code on_unknown: tie}, is a tie with confidence 0. Several labels of one comparison are
 * aggregated by majority (a split vote is a tie); confidence is the share of votes that gave the
 * aggregate label.
 */
public final class HumanDatasetSource implements FeedbackSource {
    private static final int EXCERPT = 60;

    private final String type;
    private final Path file;
    private final OnUnknown onUnknown;
    private final HumanDatasetConfig.Mode mode;
    private final Instant fileTime;
    private final Map<Comparison, List<LabelledComparison>> labels = new LinkedHashMap<>();
    private final Map<String, Integer> promptRows = new HashMap<>();

    public HumanDatasetSource(String type, Path file, List<LabelledComparison> dataset, OnUnknown onUnknown,
            HumanDatasetConfig.Mode mode, Instant fileTime) {
        this.type = requireNonNull(type, "type is null");
        this.file = requireNonNull(file, "file is null");
        this.onUnknown = requireNonNull(onUnknown, "onUnknown is null");
        this.mode = requireNonNull(mode, "mode is null");
        this.fileTime = requireNonNull(fileTime, "fileTime is null");
        for (LabelledComparison label : dataset) {
            labels.computeIfAbsent(label.comparison(), key -> new ArrayList<>()).add(label);
            promptRows.merge(label.comparison().prompt(), 1, Integer::sum);
        }
    }

    /** How many distinct comparisons the dataset labels. */
    public int size() {
        return labels.size();
    }

    @Override
    public boolean judgesSafety() {
        return labels.values().stream().flatMap(List::stream).anyMatch(label -> label.safety().isPresent());
    }

    /**
     * In {@code pairs} mode, one preference per distinct comparison of the dataset, in the order of its first
     * row, aggregated as {@link #compare} aggregates; empty in {@code lookup} mode.
     */
    @Override
    public Optional<List<Preference>> datasetPreferences() {
        if (mode != HumanDatasetConfig.Mode.PAIRS) {
            return Optional.empty();
        }
        List<Preference> preferences = new ArrayList<>(labels.size());
        labels.forEach((comparison, votes) -> preferences.add(aggregate(comparison, votes)));
        return Optional.of(preferences);
    }

    @Override
    public List<Preference> compare(List<Comparison> comparisons, FeedbackContext context) {
        List<Preference> preferences = new ArrayList<>(comparisons.size());
        for (Comparison comparison : comparisons) {
            List<LabelledComparison> direct = labels.get(comparison);
            if (direct != null) {
                preferences.add(aggregate(comparison, direct));
                continue;
            }
            List<LabelledComparison> swapped = labels.get(comparison.swapped());
            if (swapped != null) {
                preferences.add(aggregate(comparison.swapped(), swapped).swapped());
                continue;
            }
            if (onUnknown == OnUnknown.TIE) {
                preferences.add(Preference.of(comparison, Choice.TIE, 0.0, new Provenance(type, "unlabelled", Instant.now())));
                continue;
            }
            throw new FeedbackException("comparison not in dataset " + file + " (in either order): " + describe(comparison)
                    + "; a comparison must match a row's prompt and both responses exactly (set on_unknown: tie to "
                    + "answer ties instead)");
        }
        return preferences;
    }

    private Preference aggregate(Comparison comparison, List<LabelledComparison> votes) {
        Map<Choice, Integer> counts = new EnumMap<>(Choice.class);
        for (LabelledComparison vote : votes) {
            counts.merge(vote.better(), 1, Integer::sum);
        }
        int a = counts.getOrDefault(Choice.A, 0);
        int b = counts.getOrDefault(Choice.B, 0);
        int tie = counts.getOrDefault(Choice.TIE, 0);
        Choice better = a > b && a > tie ? Choice.A : b > a && b > tie ? Choice.B : Choice.TIE;
        // the share of votes that gave the aggregate label: 0 for a split A/B vote
        double confidence = (double) counts.getOrDefault(better, 0) / votes.size();
        Optional<SafetyLabel> safety = votes.stream().map(LabelledComparison::safety).flatMap(Optional::stream).findFirst();
        Set<String> annotators = new LinkedHashSet<>();
        votes.forEach(vote -> annotators.add(vote.annotator()));
        Instant timestamp = votes.get(0).timestamp().orElse(fileTime);
        return new Preference(comparison, better, confidence, safety,
                new Provenance(type, String.join("+", annotators), timestamp));
    }

    /**
     * The comparison as a reader can find it in the data: the prompt and whether the dataset has it, then
     * both responses from a little before the first character where they differ (a multi-line dialogue
     * whose responses share their opening turns would otherwise show the same text twice).
     */
    private String describe(Comparison comparison) {
        int rows = promptRows.getOrDefault(comparison.prompt(), 0);
        String a = comparison.responseA();
        String b = comparison.responseB();
        int differ = 0;
        while (differ < a.length() && differ < b.length() && a.charAt(differ) == b.charAt(differ)) {
            differ++;
        }
        int from = differ > EXCERPT / 2 ? differ - EXCERPT / 3 : 0;
        StringBuilder text = new StringBuilder("prompt ").append(excerpt(comparison.prompt(), 0))
                .append(rows == 0 ? " (no row has this prompt)" : " (" + rows + " row(s) have this prompt, none these responses)")
                .append(", response A ").append(excerpt(a, from))
                .append(", response B ").append(excerpt(b, from));
        if (from > 0) {
            text.append(" (both shown from character ").append(from).append(": they share their first ").append(differ)
                    .append(")");
        }
        return text.toString();
    }

    private static String excerpt(String text, int from) {
        String shown = escape(text.substring(Math.min(from, text.length())));
        String head = from > 0 ? "..." : "";
        return "'" + head + (shown.length() > EXCERPT ? shown.substring(0, EXCERPT - 3) + "..." : shown) + "'";
    }

    private static String escape(String text) {
        return text.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t");
    }
}
