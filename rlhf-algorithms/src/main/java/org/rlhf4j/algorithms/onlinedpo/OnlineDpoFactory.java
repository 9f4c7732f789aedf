package org.rlhf4j.algorithms.onlinedpo;

import org.rlhf4j.api.algorithm.Algorithm;
import org.rlhf4j.api.algorithm.AlgorithmFactory;
import org.rlhf4j.api.plugin.PluginContext;

/** The {@code online-dpo} type: DPO on fresh pairs of the policy labelled in the loop by the arm's feedback or rewards. */
public final class OnlineDpoFactory implements AlgorithmFactory<OnlineDpoConfig> {
    public static final String TYPE = "online-dpo";

    @Override
    public String description() {
        return "online DPO: each step's pairs sampled from the policy and labelled on the spot by the arm's feedback source "
                + "(or its rewards)";
    }

    @Override
    public Class<OnlineDpoConfig> configClass() {
        return OnlineDpoConfig.class;
    }

    @Override
    public Algorithm create(String type, OnlineDpoConfig config, PluginContext context) {
        return new OnlineDpoAlgorithm(config);
    }
}
