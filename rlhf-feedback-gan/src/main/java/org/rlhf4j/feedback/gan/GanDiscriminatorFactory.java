package org.rlhf4j.feedback.gan;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.rlhf4j.api.feedback.FeedbackSource;
import org.rlhf4j.api.feedback.FeedbackSourceFactory;
import org.rlhf4j.api.io.JsonLine;
import org.rlhf4j.api.io.JsonLinesReader;
import org.rlhf4j.api.plugin.PluginContext;

/** The {@code gan-discriminator} type. */
public final class GanDiscriminatorFactory implements FeedbackSourceFactory<GanDiscriminatorConfig> {
    public static final String TYPE = "gan-discriminator";

    @Override
    public String description() {
        return "RLGAF discriminator: learns expert demonstrations (real) vs policy samples (fake); reward log D - log(1-D)";
    }

    @Override
    public Class<GanDiscriminatorConfig> configClass() {
        return GanDiscriminatorConfig.class;
    }

    @Override
    public FeedbackSource create(String type, GanDiscriminatorConfig config, PluginContext context) {
        Path file = context.resolve(config.demonstrations());
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("gan-discriminator demonstrations " + file + " is not a file");
        }
        List<String> demonstrations = JsonLinesReader.readAll(file).stream()
                .map(GanDiscriminatorFactory::response)
                .toList();
        return new GanDiscriminatorSource(type, config, demonstrations, config.seed() ^ context.seed());
    }

    private static String response(JsonLine line) {
        return line.optionalText("response").or(() -> line.optionalText("text"))
                .orElseThrow(() -> line.error("a demonstration needs a 'response' (or 'text') field"));
    }
}
