package org.rlhf4j.feedback.human;

import com.google.inject.Binder;
import org.rlhf4j.api.plugin.PluginBinders;
import org.rlhf4j.api.plugin.RlhfModule;
import org.rlhf4j.feedback.human.dataset.HumanDatasetFactory;
import org.rlhf4j.feedback.human.simulated.SimulatedAnnotatorsFactory;

/** Registers the human feedback types: {@code human-dataset} and {@code simulated-annotators}. */
public final class HumanFeedbackModule implements RlhfModule {
    @Override
    public void configure(Binder binder) {
        PluginBinders.feedbackSources(binder).addBinding(HumanDatasetFactory.TYPE).to(HumanDatasetFactory.class);
        PluginBinders.feedbackSources(binder).addBinding(SimulatedAnnotatorsFactory.TYPE).to(SimulatedAnnotatorsFactory.class);
    }
}
