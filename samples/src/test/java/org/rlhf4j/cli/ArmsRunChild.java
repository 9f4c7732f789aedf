package org.rlhf4j.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import org.rlhf4j.api.config.ExperimentLoader;
import org.rlhf4j.api.config.ExperimentPlan;
import org.rlhf4j.api.plugin.PluginLoader;
import org.rlhf4j.engine.model.EngineThreads;
import org.rlhf4j.experiment.ExperimentRunner;
import org.rlhf4j.experiment.RunRequest;

/**
 * The child JVM of {@link TestArmsCrash}: runs a task experiment with arms, sleeping {@code args[3]} ms after
 * every DPO, PPO, GRPO or online DPO step so that the parent can kill it mid-training.
 *
 * <p>Arguments: run directory, config file, {@code fresh} or {@code resume}, milliseconds to sleep per DPO, PPO, GRPO or online DPO
 * step.
 */
public final class ArmsRunChild {
    /** The phases slowed down, so that a kill lands in them. */
    private static final java.util.Set<String> SLOWED = java.util.Set.of("dpo", "ppo", "grpo", "online_dpo");

    private ArmsRunChild() {}

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]);
        ExperimentPlan plan = new ExperimentLoader(PluginLoader.load(List.of())).load(Path.of(args[1]), List.of());
        boolean resume = args[2].equals("resume");
        long sleep = Long.parseLong(args[3]);
        EngineThreads.applyDefaults();
        PrintWriter log = new PrintWriter(System.out, true);
        new ExperimentRunner(new RunRequest(plan, out, resume, System::getenv, log)).onStep((arm, phase, step, steps) -> {
            if (sleep > 0 && SLOWED.contains(phase)) {
                try {
                    Thread.sleep(sleep);
                }
                catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }).run();
        log.flush();
    }
}
