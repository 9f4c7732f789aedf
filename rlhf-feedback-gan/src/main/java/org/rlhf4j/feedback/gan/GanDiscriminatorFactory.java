package org.rlhf4j.feedback.gan;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.rlhf4j.api.feedback.Completion;
import org.rlhf4j.api.feedback.FeedbackSource;
import org.rlhf4j.api.feedback.FeedbackSourceFactory;
import org.rlhf4j.api.io.JsonLine;
import org.rlhf4j.api.io.JsonLinesReader;
import org.rlhf4j.api.plugin.PluginContext;
import org.rlhf4j.api.task.Task;
import org.rlhf4j.engine.model.PolicyBackbone;

/**
 * The {@code gan-discriminator} type: {@code model: transformer} builds an {@link AdversarialDiscriminatorSource} over a
 * {@link TransformerDiscriminator} on the engine's SFT policy ({@link PolicyBackbone}, looked up when the source is
 * opened), {@code model: ngram} a {@link GanDiscriminatorSource}. The demonstrations come from the config's file or,
 * without one, from the experiment's task.
 */
public final class GanDiscriminatorFactory implements FeedbackSourceFactory<GanDiscriminatorConfig> {
    public static final String TYPE = "gan-discriminator";

    @Override
    public String description() {
        return "RLGAF discriminator (transformer on the SFT backbone, or ngram): learns expert demonstrations (real) vs "
                + "policy samples (fake); its logit is the reward";
    }

    @Override
    public Class<GanDiscriminatorConfig> configClass() {
        return GanDiscriminatorConfig.class;
    }

    @Override
    public FeedbackSource create(String type, GanDiscriminatorConfig config, PluginContext context) {
        List<Completion> demonstrations = demonstrations(config, context);
        long seed = config.seed() ^ context.seed();
        if (config.model() == GanDiscriminatorConfig.Model.NGRAM) {
            return new GanDiscriminatorSource(type, config, demonstrations.stream().map(Completion::response).toList(), seed);
        }
        return new AdversarialDiscriminatorSource(type, config, demonstrations, seed, () -> {
            PolicyBackbone backbone = context.service(PolicyBackbone.class).orElseThrow(() -> new IllegalStateException(
                    "gan-discriminator with model: transformer trains on the SFT policy's backbone, which only a task "
                            + "experiment's arms have; use model: ngram to label comparisons"));
            return new TransformerDiscriminator(backbone, config, seed);
        });
    }

    private static List<Completion> demonstrations(GanDiscriminatorConfig config, PluginContext context) {
        if (config.demonstrations() == null) {
            Task task = context.task().orElseThrow(() -> new IllegalArgumentException(
                    "gan-discriminator needs demonstrations: a 'demonstrations' JSONL file, or an experiment task that has them"));
            List<Completion> demonstrations = task.demonstrations(context.seed(), config.demonstrationsCount()).stream()
                    .map(demonstration -> new Completion(demonstration.prompt(), demonstration.response())).toList();
            if (demonstrations.isEmpty()) {
                throw new IllegalArgumentException("task " + task.name() + " has no expert demonstrations: give a 'demonstrations' file");
            }
            return demonstrations;
        }
        Path file = context.resolve(config.demonstrations());
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("gan-discriminator demonstrations " + file + " is not a file");
        }
        return JsonLinesReader.readAll(file).stream()
                .map(line -> new Completion(line.optionalText("prompt").orElse(""), response(line)))
                .toList();
    }

    private static String response(JsonLine line) {
        return line.optionalText("response").or(() -> line.optionalText("text"))
                .orElseThrow(() -> line.error("a demonstration needs a 'response' (or 'text') field"));
    }
}
