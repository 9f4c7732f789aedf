package org.rlhf4j.algorithms;

import com.google.inject.Binder;
import org.rlhf4j.algorithms.dpo.DpoFactory;
import org.rlhf4j.algorithms.grpo.GrpoFactory;
import org.rlhf4j.algorithms.kto.KtoFactory;
import org.rlhf4j.algorithms.onlinedpo.OnlineDpoFactory;
import org.rlhf4j.algorithms.orpo.OrpoFactory;
import org.rlhf4j.algorithms.ppo.PpoFactory;
import org.rlhf4j.algorithms.ppo.PpoLagrangianFactory;
import org.rlhf4j.algorithms.simpo.SimPoFactory;
import org.rlhf4j.api.plugin.PluginBinders;
import org.rlhf4j.api.plugin.RlhfModule;

/** Registers the engine's algorithm types, like every plugin: {@code dpo}, {@code kto}, {@code simpo}, {@code orpo},
 * {@code online-dpo}, {@code grpo}, {@code ppo}, {@code ppo-lagrangian}. */
public final class AlgorithmsModule implements RlhfModule {
    @Override
    public void configure(Binder binder) {
        PluginBinders.algorithms(binder).addBinding(DpoFactory.TYPE).to(DpoFactory.class);
        PluginBinders.algorithms(binder).addBinding(GrpoFactory.TYPE).to(GrpoFactory.class);
        PluginBinders.algorithms(binder).addBinding(PpoFactory.TYPE).to(PpoFactory.class);
        PluginBinders.algorithms(binder).addBinding(PpoLagrangianFactory.TYPE).to(PpoLagrangianFactory.class);
        PluginBinders.algorithms(binder).addBinding(KtoFactory.TYPE).to(KtoFactory.class);
        PluginBinders.algorithms(binder).addBinding(SimPoFactory.TYPE).to(SimPoFactory.class);
        PluginBinders.algorithms(binder).addBinding(OrpoFactory.TYPE).to(OrpoFactory.class);
        PluginBinders.algorithms(binder).addBinding(OnlineDpoFactory.TYPE).to(OnlineDpoFactory.class);
    }
}
