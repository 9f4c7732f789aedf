package org.rlhf4j.api.algorithm;

import org.rlhf4j.api.plugin.PluginType;

/**
 * An RL algorithm that an experiment arm can name in {@code algorithm: {type: ...}} (PPO, DPO, ...).
 * Register one under a {@code type} name with {@link org.rlhf4j.api.plugin.PluginBinders#algorithms}.
 *
 * <p>For now the registry holds the algorithm's description and config class, so configs naming it are
 * validated before work starts; the method that builds a trainer arrives with the training loop, as a
 * default method so existing factories keep compiling.
 *
 * @param <C> the config class, bound from every key next to {@code type:} in the arm's {@code algorithm}
 */
public interface AlgorithmFactory<C> extends PluginType {
    @Override
    Class<C> configClass();
}
