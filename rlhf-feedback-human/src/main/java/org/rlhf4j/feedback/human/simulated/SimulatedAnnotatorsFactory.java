package org.rlhf4j.feedback.human.simulated;

import org.rlhf4j.api.feedback.FeedbackSource;
import org.rlhf4j.api.feedback.FeedbackSourceFactory;
import org.rlhf4j.api.plugin.PluginContext;

/** The {@code simulated-annotators} type. */
public final class SimulatedAnnotatorsFactory implements FeedbackSourceFactory<SimulatedAnnotatorsConfig> {
    public static final String TYPE = "simulated-annotators";

    @Override
    public String description() {
        return "a panel of simulated annotators: noisy, position- and length-biased Bradley-Terry labels from a gold scorer";
    }

    @Override
    public Class<SimulatedAnnotatorsConfig> configClass() {
        return SimulatedAnnotatorsConfig.class;
    }

    @Override
    public FeedbackSource create(String type, SimulatedAnnotatorsConfig config, PluginContext context) {
        return new SimulatedAnnotatorsSource(type, GoldScorers.of(config.scorer(), config.keywords(), context.task(), config.dimension()),
                config.annotatorPanel(), config.tieMargin(), config.seed() ^ context.seed());
    }
}
