package org.rlhf4j.feedback.human.annotate;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.rlhf4j.api.io.JsonLine;
import org.rlhf4j.api.io.JsonLinesReader;

/**
 * A file of pairs to label: JSON Lines of {@code prompt}, {@code response_a}, {@code response_b} and an optional
 * {@code id} (by default the hash of the three texts). Errors name the file and line.
 */
public final class PairsFile {
    private PairsFile() {}

    /** Every pair of {@code file}. */
    public static List<Pair> read(Path file) {
        List<Pair> pairs = new ArrayList<>();
        try (JsonLinesReader reader = JsonLinesReader.open(file)) {
            for (Optional<JsonLine> next = reader.next(); next.isPresent(); next = reader.next()) {
                JsonLine line = next.get();
                String prompt = line.optionalText("prompt").orElse("");
                String a = line.text("response_a");
                String b = line.text("response_b");
                Optional<String> id = line.optionalText("id");
                if (id.isPresent() && id.get().isBlank()) {
                    throw line.error("field 'id' is blank");
                }
                pairs.add(id.map(given -> new Pair(given, prompt, a, b)).orElseGet(() -> Pair.of(prompt, a, b)));
            }
        }
        return pairs;
    }
}
