package org.rlhf4j.feedback.human.simulated;

import org.rlhf4j.api.feedback.FeedbackSource;
import org.rlhf4j.api.feedback.FeedbackSourceFactory;
import java.util.Optional;
import org.rlhf4j.api.plugin.PluginContext;
import org.rlhf4j.api.task.GoldScorer;
import org.rlhf4j.api.task.Task;

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
        Optional<GoldScorer> safety = config.scorer() == GoldScorers.Kind.TASK
                ? context.task().map(Task::goldScorer).filter(GoldScorer::hasCost) : Optional.empty();
        return new SimulatedAnnotatorsSource(type, GoldScorers.of(config.scorer(), config.keywords(), context.task(), config.dimension()),
                config.annotatorPanel(), config.tieMargin(), config.seed() ^ context.seed(), safety, config.safetyNoise());
    }
}
