package org.rlhf4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.rlhf4j.api.config.ArmPlan;
import org.rlhf4j.api.config.ExperimentLoader;
import org.rlhf4j.api.config.ExperimentPlan;
import org.rlhf4j.api.plugin.PluginContext;
import org.rlhf4j.api.plugin.PluginLoader;

/**
 * Every shipped config under {@code samples/configs} loads: its keys bound, each arm's feedback and algorithm settings
 * checked, and each algorithm built; so a config that docs/algorithms.md points to cannot rot unseen.
 */
class TestSampleConfigs {
    @Test
    void everyShippedConfigLoadsAndBuildsItsAlgorithms() throws IOException {
        List<Path> configs;
        try (var files = Files.list(Path.of("configs"))) {
            configs = files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
        assertTrue(configs.size() >= 25, configs.toString());
        int algorithms = 0;
        for (Path config : configs) {
            ExperimentPlan plan = new ExperimentLoader(PluginLoader.load(List.of())).load(config, List.of());
            PluginContext context = PluginContext.of(config.toAbsolutePath().getParent(), 42);
            for (ArmPlan arm : plan.arms()) {
                if (arm.createAlgorithm(context).isPresent()) {
                    algorithms++;
                }
            }
        }
        assertTrue(algorithms >= 40, algorithms + " algorithms built");
        assertEquals(12, new ExperimentLoader(PluginLoader.load(List.of())).load(Path.of("configs/reviews-algorithms.yaml"), List.of())
                .arms().size());
    }
}
