package org.rlhf4j.algorithms.simpo;

import org.rlhf4j.algorithms.direct.PreferenceAlgorithm;
import org.rlhf4j.api.algorithm.Algorithm;
import org.rlhf4j.api.algorithm.AlgorithmFactory;
import org.rlhf4j.api.plugin.PluginContext;

/** The {@code simpo} type: SimPO, length-normalised log-probs and a target margin, no reference model. */
public final class SimPoFactory implements AlgorithmFactory<SimPoConfig> {
    public static final String TYPE = "simpo";

    @Override
    public String description() {
        return "SimPO on the arm's preferences: length-normalised log-probs, a target margin gamma, no reference model";
    }

    @Override
    public Class<SimPoConfig> configClass() {
        return SimPoConfig.class;
    }

    @Override
    public Algorithm create(String type, SimPoConfig config, PluginContext context) {
        return new PreferenceAlgorithm(TYPE, config.loss(), config.training());
    }
}
