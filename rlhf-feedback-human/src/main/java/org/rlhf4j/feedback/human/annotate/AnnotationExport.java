package org.rlhf4j.feedback.human.annotate;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;
import org.rlhf4j.api.feedback.Comparison;
import org.rlhf4j.api.feedback.SafetyLabel;
import org.rlhf4j.feedback.human.dataset.LabelledComparison;
import org.rlhf4j.feedback.human.dataset.PreferenceLinesWriter;

/**
 * Writes a store's current labels (the latest per annotator and pair; withdrawn ones left out) as preferences JSON
 * Lines, one line per label (several annotators of one pair give several lines, which {@code human-dataset}
 * aggregates by majority), with provenance: {@code annotator}, {@code timestamp} (when the store made that label
 * durable), {@code explanation} and {@code pair_id}. The agreement of those labels goes to a JSON file beside it;
 * optionally the whole history of changes to another JSON Lines file ({@link ChangeJson}, one change a line).
 */
public final class AnnotationExport {
    private static final ObjectMapper JSON = new ObjectMapper();

    private AnnotationExport() {}

    /** Exports {@code store}'s current labels to {@code out} and their agreement to {@code agreementOut}; returns the label count. */
    public static long export(AnnotationStore store, Path out, Path agreementOut) {
        requireNonNull(store, "store is null");
        requireNonNull(out, "out is null");
        requireNonNull(agreementOut, "agreementOut is null");
        List<Label> labels = store.labels();
        try (PreferenceLinesWriter writer = new PreferenceLinesWriter(out)) {
            for (Label label : labels) {
                Pair pair = store.pair(label.pairId()).orElseThrow(
                        () -> new IllegalStateException("label of unknown pair " + label.pairId()));
                LabelledComparison line = new LabelledComparison(
                        new Comparison(pair.prompt(), pair.responseA(), pair.responseB()), label.better(),
                        Optional.of(SafetyLabel.of(label.moreHarmless(), label.responseASafe(), label.responseBSafe())),
                        label.annotator(), Optional.of(label.labelledAt()), 0);
                ObjectNode extra = JsonNodeFactory.instance.objectNode();
                if (!label.explanation().isEmpty()) {
                    extra.put("explanation", label.explanation());
                }
                extra.put("pair_id", label.pairId());
                writer.write(line, extra);
            }
            writer.finish();
        }
        try {
            Path target = agreementOut.toAbsolutePath();
            Files.createDirectories(target.getParent());
            Files.writeString(target, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(AgreementJson.of(labels)) + "\n");
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot write " + agreementOut + ": " + e.getMessage(), e);
        }
        return labels.size();
    }

    /** Writes every change of {@code store}'s history to {@code out}, oldest first, one JSON object a line; returns how many. */
    public static long exportHistory(AnnotationStore store, Path out) {
        requireNonNull(store, "store is null");
        requireNonNull(out, "out is null");
        List<LabelChange> history = store.history();
        Path target = out.toAbsolutePath();
        Path partial = target.resolveSibling(target.getFileName() + ".partial");
        try {
            Files.createDirectories(target.getParent());
            try (BufferedWriter writer = Files.newBufferedWriter(partial, StandardCharsets.UTF_8)) {
                for (LabelChange change : history) {
                    writer.write(JSON.writeValueAsString(ChangeJson.of(change)));
                    writer.write('\n');
                }
            }
            Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot write the label history " + out + ": " + e.getMessage(), e);
        }
        return history.size();
    }
}
