package org.rlhf4j.algorithms.ppo;

import org.rlhf4j.api.algorithm.Algorithm;
import org.rlhf4j.api.algorithm.AlgorithmFactory;
import org.rlhf4j.api.plugin.PluginContext;

/** The {@code ppo} type: PPO with a critic. */
public final class PpoFactory implements AlgorithmFactory<PpoConfig> {
    public static final String TYPE = "ppo";

    @Override
    public String description() {
        return "online RL from the arm's rewards with a critic: GAE, clipped surrogate and value losses, KL to SFT (fixed or adaptive)";
    }

    @Override
    public Class<PpoConfig> configClass() {
        return PpoConfig.class;
    }

    @Override
    public Algorithm create(String type, PpoConfig config, PluginContext context) {
        return new PpoAlgorithm(config, false);
    }
}
