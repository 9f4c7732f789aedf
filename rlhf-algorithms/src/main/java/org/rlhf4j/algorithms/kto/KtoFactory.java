package org.rlhf4j.algorithms.kto;

import org.rlhf4j.algorithms.direct.PreferenceAlgorithm;
import org.rlhf4j.api.algorithm.Algorithm;
import org.rlhf4j.api.algorithm.AlgorithmFactory;
import org.rlhf4j.api.plugin.PluginContext;

/** The {@code kto} type: KTO on the arm's pairs as desirable and undesirable examples, against the SFT reference. */
public final class KtoFactory implements AlgorithmFactory<KtoConfig> {
    public static final String TYPE = "kto";

    @Override
    public String description() {
        return "KTO on the arm's preferences as desirable/undesirable examples: a reference point from mismatched pairs";
    }

    @Override
    public Class<KtoConfig> configClass() {
        return KtoConfig.class;
    }

    @Override
    public Algorithm create(String type, KtoConfig config, PluginContext context) {
        return PreferenceAlgorithm.kto(TYPE, config.loss(), config.training());
    }
}
