package org.rlhf4j.feedback.human.dataset;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.rlhf4j.api.feedback.FeedbackSource;
import org.rlhf4j.api.feedback.FeedbackSourceFactory;
import org.rlhf4j.api.plugin.PluginContext;

/** The {@code human-dataset} type: labels from a JSONL preference dataset (TRL, HH-RLHF, PKU-SafeRLHF, UltraFeedback, A/B). */
public final class HumanDatasetFactory implements FeedbackSourceFactory<HumanDatasetConfig> {
    public static final String TYPE = "human-dataset";

    @Override
    public String description() {
        return "human labels from a JSONL preference dataset (TRL, HH-RLHF, PKU-SafeRLHF, UltraFeedback, A/B)";
    }

    @Override
    public Class<HumanDatasetConfig> configClass() {
        return HumanDatasetConfig.class;
    }

    @Override
    public FeedbackSource create(String type, HumanDatasetConfig config, PluginContext context) {
        Path file = context.resolve(config.path());
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("human-dataset path " + file + " is not a file");
        }
        try {
            List<LabelledComparison> dataset = PreferenceDatasetReader.read(file, config.format(), config.onMalformed());
            return new HumanDatasetSource(type, file, dataset, config.onUnknown(), config.mode(),
                    Files.getLastModifiedTime(file).toInstant());
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
