package org.rlhf4j.algorithms.dpo;

import org.rlhf4j.algorithms.direct.PreferenceAlgorithm;
import org.rlhf4j.api.algorithm.Algorithm;
import org.rlhf4j.api.algorithm.AlgorithmFactory;
import org.rlhf4j.api.plugin.PluginContext;

/** The {@code dpo} type: DPO (sigmoid), IPO ({@code loss_type: ipo}) and cDPO ({@code label_smoothing}). */
public final class DpoFactory implements AlgorithmFactory<DpoConfig> {
    public static final String TYPE = "dpo";

    @Override
    public String description() {
        return "direct preference optimisation on the arm's preferences: DPO (sigmoid), IPO (loss_type: ipo), cDPO (label_smoothing)";
    }

    @Override
    public Class<DpoConfig> configClass() {
        return DpoConfig.class;
    }

    @Override
    public Algorithm create(String type, DpoConfig config, PluginContext context) {
        return new PreferenceAlgorithm(TYPE, config.loss(), config.training());
    }
}
