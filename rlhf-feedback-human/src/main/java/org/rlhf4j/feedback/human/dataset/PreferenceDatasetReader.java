package org.rlhf4j.feedback.human.dataset;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.rlhf4j.feedback.human.dataset.PreferenceImporter.OnMalformed;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a whole preference dataset into memory, for the look-up of {@code human-dataset} (see
 * {@link PreferenceRecords} for the layouts). Errors name the file and line.
 */
public final class PreferenceDatasetReader {
    private static final Logger LOG = LoggerFactory.getLogger(PreferenceDatasetReader.class);

    private PreferenceDatasetReader() {}

    /** Reads every labelled comparison of {@code file}, telling each line's layout by its fields. */
    public static List<LabelledComparison> read(Path file) {
        return read(file, PreferenceFormat.AUTO, OnMalformed.ERROR);
    }

    /** Reads every labelled comparison of {@code file} in {@code format}. */
    public static List<LabelledComparison> read(Path file, PreferenceFormat format, OnMalformed onMalformed) {
        List<LabelledComparison> labels = new ArrayList<>();
        PreferenceImporter.Result result = new PreferenceImporter(format, onMalformed).read(file, labels::add);
        if (result.skipped() > 0) {
            LOG.warn("{}: skipped {} malformed line(s) of {} (the first: {})", file, result.skipped(),
                    result.skipped() + result.imported(), result.firstSkipped().orElse("?"));
        }
        return labels;
    }
}
