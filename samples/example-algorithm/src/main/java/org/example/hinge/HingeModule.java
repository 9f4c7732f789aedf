package org.example.hinge;

import com.google.inject.Binder;
import org.rlhf4j.api.plugin.PluginBinders;
import org.rlhf4j.api.plugin.RlhfModule;

/**
 * The plugin's entry point, listed in {@code META-INF/services/org.rlhf4j.api.plugin.RlhfModule}:
 * registers the algorithm type {@code example-hinge}.
 */
public final class HingeModule implements RlhfModule {
    @Override
    public void configure(Binder binder) {
        PluginBinders.algorithms(binder).addBinding(HingeFactory.TYPE).to(HingeFactory.class);
    }
}
