package org.rlhf4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class TestPluginsCommand {
    @Test
    void listsTheTypesOfEveryFeedbackModuleByKind() {
        CliResult result = CliResult.run("plugins");
        assertEquals(0, result.exitCode(), result.toString());
        String out = result.out();
        assertTrue(out.startsWith("Feedback sources:\n"), out);
        for (String type : new String[] {"human-dataset", "simulated-annotators", "gan-discriminator", "http-judge", "local-judge", "rule-judge"}) {
            assertTrue(out.contains("\n  " + type + " "), type + " missing from\n" + out);
        }
        assertTrue(out.contains("RLGAF discriminator"), out);
        assertTrue(out.contains("Algorithms:\n  dpo             direct preference optimisation"), out);
        assertTrue(out.contains("\n  grpo            critic-free online RL"), out);
        assertTrue(out.contains("\n  ppo             online RL from the arm's rewards with a critic"), out);
        assertTrue(out.contains("\n  ppo-lagrangian  Safe RLHF: PPO on rewards and costs"), out);
        assertTrue(out.contains("Tasks:\n  reviews  short product and movie reviews"), out);
        assertFalse(out.contains("example-length-judge"), out);
    }

    @Test
    void aMissingPluginDirectoryIsAUsageError() {
        CliResult result = CliResult.run("plugins", "--plugins", "no/such/dir");
        assertEquals(2, result.exitCode(), result.toString());
        assertTrue(result.err().contains("no/such/dir does not exist"), result.err());

        CliResult fromEnv = CliResult.run(Map.of(CliContext.PLUGINS_ENV, "also/missing"), "plugins");
        assertEquals(2, fromEnv.exitCode(), fromEnv.toString());
        assertTrue(fromEnv.err().contains("also/missing does not exist"), fromEnv.err());
    }

    @Test
    void benchRunsTheHarnessAndPassesItsOptionsThrough() {
        // --only with an unknown key: every path is built and discovered, none is timed (fast)
        CliResult bench = CliResult.run("bench", "--json", "--only", "no_such_key");
        assertEquals(0, bench.exitCode(), bench.toString());
        assertTrue(bench.out().contains("\"omp_num_threads\""), bench.out());
        assertTrue(bench.out().contains("\"params\" : 665088"), bench.out());
        assertEquals(2, CliResult.run("bench", "--repeats", "x").exitCode());
    }

    @Test
    void usageErrorsExitWith2() {
        assertEquals(2, CliResult.run().exitCode());
        assertEquals(2, CliResult.run("frobnicate").exitCode());
        CliResult missingConfig = CliResult.run("run");
        assertEquals(2, missingConfig.exitCode());
        assertTrue(missingConfig.err().contains("CONFIG.yaml"), missingConfig.err());
    }
}
