package org.rlhf4j.feedback.human.dataset;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Consumer;
import org.rlhf4j.api.io.DataFormatException;
import org.rlhf4j.api.io.JsonLine;
import org.rlhf4j.api.io.JsonLinesReader;

/**
 * Streams a preference dataset one line at a time (memory bounded by the longest line, not the file), handing
 * each labelled comparison to a consumer. A malformed line (not JSON, or not the format) stops the import with
 * an error naming the file and line, or, with {@link OnMalformed#SKIP}, is counted and skipped.
 */
public final class PreferenceImporter {
    /** What to do with a malformed line. */
    public enum OnMalformed {
        /** Stop, naming the file and line. */
        ERROR,
        /** Skip and count it. */
        SKIP
    }

    /**
     * What an import read.
     *
     * @param imported labelled comparisons handed on
     * @param skipped malformed lines skipped
     * @param firstSkipped the first skipped line's error, if any
     */
    public record Result(long imported, long skipped, Optional<String> firstSkipped) {}

    private final PreferenceFormat format;
    private final OnMalformed onMalformed;

    public PreferenceImporter(PreferenceFormat format, OnMalformed onMalformed) {
        this.format = requireNonNull(format, "format is null");
        this.onMalformed = requireNonNull(onMalformed, "onMalformed is null");
    }

    /** Reads {@code file}, handing every labelled comparison to {@code into}. */
    public Result read(Path file, Consumer<LabelledComparison> into) {
        String defaultAnnotator = "dataset:" + file.getFileName();
        long imported = 0;
        long skipped = 0;
        String firstSkipped = null;
        try (JsonLinesReader reader = JsonLinesReader.open(file)) {
            while (true) {
                LabelledComparison label;
                try {
                    Optional<JsonLine> line = reader.next();
                    if (line.isEmpty()) {
                        break;
                    }
                    label = PreferenceRecords.parse(line.get(), format, defaultAnnotator);
                }
                catch (DataFormatException e) {
                    if (onMalformed == OnMalformed.ERROR) {
                        throw e;
                    }
                    skipped++;
                    firstSkipped = firstSkipped == null ? e.getMessage() : firstSkipped;
                    continue;
                }
                into.accept(label);
                imported++;
            }
        }
        return new Result(imported, skipped, Optional.ofNullable(firstSkipped));
    }
}
