package org.example.hinge;

import org.rlhf4j.algorithms.direct.PreferenceAlgorithm;
import org.rlhf4j.api.algorithm.Algorithm;
import org.rlhf4j.api.algorithm.AlgorithmFactory;
import org.rlhf4j.api.plugin.PluginContext;

/** Builds the hinge algorithm of an arm: the engine's preference trainer with {@link HingeLoss}. */
public final class HingeFactory implements AlgorithmFactory<HingeConfig> {
    public static final String TYPE = "example-hinge";

    @Override
    public String description() {
        return "example algorithm plugin: the hinge loss on preference pairs (SLiC-HF)";
    }

    @Override
    public Class<HingeConfig> configClass() {
        return HingeConfig.class;
    }

    @Override
    public Algorithm create(String type, HingeConfig config, PluginContext context) {
        return new PreferenceAlgorithm("hinge", new HingeLoss(config.beta()), config.training());
    }
}
