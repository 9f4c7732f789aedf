package org.rlhf4j.algorithms.orpo;

import org.rlhf4j.algorithms.direct.PreferenceAlgorithm;
import org.rlhf4j.api.algorithm.Algorithm;
import org.rlhf4j.api.algorithm.AlgorithmFactory;
import org.rlhf4j.api.plugin.PluginContext;

/** The {@code orpo} type: ORPO, the SFT loss on the chosen responses plus an odds-ratio term, no reference model. */
public final class OrpoFactory implements AlgorithmFactory<OrpoConfig> {
    public static final String TYPE = "orpo";

    @Override
    public String description() {
        return "ORPO on the arm's preferences: the SFT loss on the chosen response plus an odds-ratio term, no reference model";
    }

    @Override
    public Class<OrpoConfig> configClass() {
        return OrpoConfig.class;
    }

    @Override
    public Algorithm create(String type, OrpoConfig config, PluginContext context) {
        return new PreferenceAlgorithm(TYPE, config.loss(), config.training());
    }
}
