package org.rlhf4j.algorithms.grpo;

import org.rlhf4j.api.algorithm.Algorithm;
import org.rlhf4j.api.algorithm.AlgorithmFactory;
import org.rlhf4j.api.plugin.PluginContext;

/** The {@code grpo} type: GRPO, and RLOO with {@code baseline: leave_one_out}. */
public final class GrpoFactory implements AlgorithmFactory<GrpoConfig> {
    public static final String TYPE = "grpo";

    @Override
    public String description() {
        return "critic-free online RL from the arm's rewards: GRPO (group baseline), RLOO (baseline: leave_one_out), KL to SFT";
    }

    @Override
    public Class<GrpoConfig> configClass() {
        return GrpoConfig.class;
    }

    @Override
    public Algorithm create(String type, GrpoConfig config, PluginContext context) {
        return new GrpoAlgorithm(config);
    }
}
