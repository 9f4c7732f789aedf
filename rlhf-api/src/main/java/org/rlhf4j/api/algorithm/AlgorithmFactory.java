package org.rlhf4j.api.algorithm;

import org.rlhf4j.api.plugin.PluginContext;
import org.rlhf4j.api.plugin.PluginType;

/**
 * An RL algorithm that an experiment arm can name in {@code algorithm: {type: ...}} (PPO, DPO, ...).
 * Register one under a {@code type} name with {@link org.rlhf4j.api.plugin.PluginBinders#algorithms}
 * from the plugin's own {@link org.rlhf4j.api.plugin.RlhfModule}, as feedback sources are registered.
 *
 * @param <C> the config class, bound from every key next to {@code type:} in the arm's {@code algorithm}
 */
public interface AlgorithmFactory<C> extends PluginType {
    @Override
    Class<C> configClass();

    /**
     * Builds the trainer of one arm. The default reports that the type only describes an algorithm (so
     * factories written before trainers existed keep compiling); the engine rejects such an arm before any
     * work starts.
     *
     * @param type the name the factory was registered under
     * @throws IllegalArgumentException when the config cannot work
     */
    default Algorithm create(String type, C config, PluginContext context) {
        throw new UnsupportedOperationException("algorithm type '" + type + "' (" + getClass().getName()
                + ") builds no trainer");
    }
}
