package org.rlhf4j.feedback.human.dataset;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
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
 * responses in either order (a swapped match swaps the label). Several labels of one comparison are
 * aggregated by majority (a split vote is a tie); confidence is the share of votes that gave the
 * aggregate label.
 */
public final class HumanDatasetSource implements FeedbackSource {
    private final String type;
    private final Path file;
    private final OnUnknown onUnknown;
    private final Instant fileTime;
    private final Map<Comparison, List<LabelledComparison>> labels = new HashMap<>();

    public HumanDatasetSource(String type, Path file, List<LabelledComparison> dataset, OnUnknown onUnknown, Instant fileTime) {
        this.type = requireNonNull(type, "type is null");
        this.file = requireNonNull(file, "file is null");
        this.onUnknown = requireNonNull(onUnknown, "onUnknown is null");
        this.fileTime = requireNonNull(fileTime, "fileTime is null");
        for (LabelledComparison label : dataset) {
            labels.computeIfAbsent(label.comparison(), key -> new ArrayList<>()).add(label);
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
            throw new FeedbackException("comparison not in dataset " + file + " (in either order): prompt "
                    + excerpt(comparison.prompt()) + ", response A " + excerpt(comparison.responseA())
                    + ", response B " + excerpt(comparison.responseB()) + " (set on_unknown: tie to answer ties instead)");
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

    private static String excerpt(String text) {
        String flat = text.replaceAll("\\s+", " ");
        return "'" + (flat.length() > 60 ? flat.substring(0, 57) + "..." : flat) + "'";
    }
}
