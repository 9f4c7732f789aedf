package org.rlhf4j.feedback.human.dataset;

import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.rlhf4j.api.feedback.Choice;
import org.rlhf4j.api.feedback.Comparison;
import org.rlhf4j.api.feedback.SafetyLabel;
import org.rlhf4j.api.io.JsonLine;
import org.rlhf4j.api.io.JsonLinesReader;

/**
 * Reads pairwise preference datasets from JSON Lines, one labelled comparison per line, in any of three
 * layouts (told apart per line by their fields):
 *
 * <ul>
 *   <li>TRL / HH-RLHF: {@code {"prompt", "chosen", "rejected"}} ({@code prompt} optional, as HH-RLHF keeps
 *       the dialogue inside the responses); {@code chosen} becomes response A.</li>
 *   <li>A/B: {@code {"prompt", "response_a", "response_b", "preference": "A"|"B"|"tie"}}, optionally
 *       {@code "safer"} (same values), {@code "is_a_safe"}, {@code "is_b_safe"}.</li>
 *   <li>PKU-SafeRLHF: {@code {"prompt", "response_0", "response_1", "better_response_id": 0|1,
 *       "safer_response_id": 0|1, "is_response_0_safe", "is_response_1_safe"}}.</li>
 * </ul>
 *
 * Every layout may add {@code "annotator"} and an ISO-8601 {@code "timestamp"}. Errors name the file and
 * line.
 */
public final class PreferenceDatasetReader {
    private PreferenceDatasetReader() {}

    /** Reads every labelled comparison of {@code file}. */
    public static List<LabelledComparison> read(Path file) {
        String defaultAnnotator = "dataset:" + file.getFileName();
        List<LabelledComparison> labels = new ArrayList<>();
        for (JsonLine line : JsonLinesReader.readAll(file)) {
            labels.add(parse(line, defaultAnnotator));
        }
        return labels;
    }

    static LabelledComparison parse(JsonLine line, String defaultAnnotator) {
        String prompt = line.optionalText("prompt").orElse("");
        String annotator = line.optionalText("annotator").orElse(defaultAnnotator);
        Optional<Instant> timestamp = line.optionalText("timestamp").map(text -> instant(line, text));
        if (line.has("chosen") || line.has("rejected")) {
            Comparison comparison = new Comparison(prompt, line.text("chosen"), line.text("rejected"));
            return new LabelledComparison(comparison, Choice.A, Optional.empty(), annotator, timestamp, line.number());
        }
        if (line.has("response_a") || line.has("response_b")) {
            Comparison comparison = new Comparison(prompt, line.text("response_a"), line.text("response_b"));
            Choice better = choice(line, "preference", line.text("preference"));
            Optional<SafetyLabel> safety = Optional.empty();
            if (line.has("safer") || line.has("is_a_safe") || line.has("is_b_safe")) {
                Choice safer = line.optionalText("safer").map(text -> choice(line, "safer", text)).orElse(Choice.TIE);
                safety = Optional.of(new SafetyLabel(safer, line.optionalBoolean("is_a_safe"), line.optionalBoolean("is_b_safe")));
            }
            return new LabelledComparison(comparison, better, safety, annotator, timestamp, line.number());
        }
        if (line.has("response_0") || line.has("response_1")) {
            Comparison comparison = new Comparison(prompt, line.text("response_0"), line.text("response_1"));
            Choice better = responseId(line, "better_response_id", line.text("better_response_id"));
            Optional<SafetyLabel> safety = Optional.empty();
            if (line.has("safer_response_id") || line.has("is_response_0_safe") || line.has("is_response_1_safe")) {
                Choice safer = line.optionalText("safer_response_id")
                        .map(text -> responseId(line, "safer_response_id", text)).orElse(Choice.TIE);
                safety = Optional.of(new SafetyLabel(safer, line.optionalBoolean("is_response_0_safe"),
                        line.optionalBoolean("is_response_1_safe")));
            }
            return new LabelledComparison(comparison, better, safety, annotator, timestamp, line.number());
        }
        throw line.error("unrecognised preference record: expected fields chosen/rejected, "
                + "response_a/response_b/preference or response_0/response_1/better_response_id");
    }

    private static Choice choice(JsonLine line, String field, String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "a", "response_a" -> Choice.A;
            case "b", "response_b" -> Choice.B;
            case "tie", "equal", "none" -> Choice.TIE;
            default -> throw line.error("field '" + field + "' must be A, B or tie, got '" + text + "'");
        };
    }

    private static Choice responseId(JsonLine line, String field, String text) {
        return switch (text.trim()) {
            case "0" -> Choice.A;
            case "1" -> Choice.B;
            default -> throw line.error("field '" + field + "' must be 0 or 1, got '" + text + "'");
        };
    }

    private static Instant instant(JsonLine line, String text) {
        try {
            return Instant.parse(text);
        }
        catch (DateTimeParseException e) {
            throw line.error("field 'timestamp' must be an ISO-8601 instant such as 2024-05-01T12:00:00Z, got '" + text + "'");
        }
    }
}
