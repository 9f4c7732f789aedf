package org.rlhf4j.algorithms.ppo;

import org.rlhf4j.api.algorithm.Algorithm;
import org.rlhf4j.api.algorithm.AlgorithmFactory;
import org.rlhf4j.api.plugin.PluginContext;

/** The {@code ppo-lagrangian} type: Safe RLHF's PPO-Lagrangian, PPO with a cost critic and a Lagrange multiplier. */
public final class PpoLagrangianFactory implements AlgorithmFactory<PpoConfig> {
    public static final String TYPE = "ppo-lagrangian";

    @Override
    public String description() {
        return "Safe RLHF: PPO on rewards and costs with reward and cost critics, the Lagrange multiplier holding the mean cost under cost_threshold";
    }

    @Override
    public Class<PpoConfig> configClass() {
        return PpoConfig.class;
    }

    @Override
    public Algorithm create(String type, PpoConfig config, PluginContext context) {
        return new PpoAlgorithm(config, true);
    }
}
