package org.rlhf4j.api.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shared {@code optimizer} block: recorded defaults, full mapping, an algorithm's defaults filling the gaps, errors. */
class TestOptimizerConfig {
    /** An algorithm config with the block, as the algorithms' configs hold it. */
    record Algorithm(Double beta, OptimizerConfig optimizer) {
        static final OptimizerConfig DEFAULTS = OptimizerConfig.defaults(2e-4, 10, 0.1);

        Algorithm {
            optimizer = OptimizerConfig.resolve(optimizer, DEFAULTS);
        }
    }

    @TempDir
    Path directory;

    private Algorithm bind(String yaml) throws IOException {
        Path file = directory.resolve("algorithm.yaml");
        Files.writeString(file, yaml);
        return ConfigBinder.bind(YamlTreeReader.read(file), Algorithm.class);
    }

    @Test
    void recordedDefaults() throws IOException {
        assertEquals(new OptimizerConfig(2e-4, 10, 0.1, List.of(0.9, 0.95), 1e-8, 0.0, 1.0), bind("beta: 0.1\n").optimizer());
        assertEquals(bind("beta: 0.1\n").optimizer(), bind("optimizer: {}\n").optimizer());
    }

    @Test
    void fullMapping() throws IOException {
        OptimizerConfig optimizer = bind("""
                optimizer: {lr: 0.001, warmup: 3, min_lr_ratio: 1, betas: [0.8, 0.99], eps: 1.0e-6, weight_decay: 0.01, max_grad_norm: 0.5}
                """).optimizer();
        assertEquals(new OptimizerConfig(1e-3, 3, 1.0, List.of(0.8, 0.99), 1e-6, 0.01, 0.5), optimizer);
        assertEquals(0.8, optimizer.beta1());
        assertEquals(0.99, optimizer.beta2());
    }

    @Test
    void theKeysGivenWinAndTheAlgorithmsDefaultsFillTheRest() throws IOException {
        assertEquals(new OptimizerConfig(5e-4, 10, 0.1, List.of(0.9, 0.95), 1e-8, 0.0, 2.0),
                bind("optimizer: {lr: 0.0005, max_grad_norm: 2}\n").optimizer());
        assertEquals(new OptimizerConfig(1e-4, 10, 0.1, List.of(0.9, 0.95), 1e-8, 0.0, 1.0), Algorithm.DEFAULTS.withLr(1e-4));
    }

    @Test
    void badValuesAreErrorsNamingTheKeyAndLine() throws IOException {
        ConfigException lr = assertThrows(ConfigException.class, () -> bind("beta: 0.1\noptimizer: {lr: 2}\n"));
        assertTrue(lr.getMessage().contains("line 2") && lr.getMessage().contains("key 'optimizer'")
                && lr.getMessage().contains("lr must be in [1.0E-12, 1.0], got 2.0"), lr.getMessage());
        ConfigException betas = assertThrows(ConfigException.class, () -> bind("optimizer: {betas: [0.9]}\n"));
        assertTrue(betas.getMessage().contains("betas must be two numbers [beta1, beta2], got [0.9]"), betas.getMessage());
        ConfigException beta = assertThrows(ConfigException.class, () -> bind("optimizer: {betas: [0.9, 1.0]}\n"));
        assertTrue(beta.getMessage().contains("betas must each be in [0, 1), got [0.9, 1.0]"), beta.getMessage());
        ConfigException unknown = assertThrows(ConfigException.class, () -> bind("optimizer: {learning_rate: 0.1}\n"));
        assertTrue(unknown.getMessage().contains("key 'optimizer.learning_rate': unknown key 'learning_rate'; known keys: betas, eps, "
                + "lr, max_grad_norm, min_lr_ratio, warmup, weight_decay"), unknown.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new OptimizerConfig(null, -1, null, null, null, null, null));
        assertThrows(IllegalArgumentException.class, () -> new OptimizerConfig(null, null, null, null, 0.0, null, null));
    }
}
