package org.rlhf4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rlhf4j.api.io.MetricsLog;

/**
 * {@code rlhf run} of a shrunken experiment with one arm per algorithm of the field's current set (KTO, SimPO, ORPO,
 * online DPO with a source and with a reward model in its loop, DAPO, GSPO, REINFORCE++): each trains for its steps with
 * finite numbers, logs TRL's metric names, and reports its budget (labels, those taken while it trained, rollouts, policy
 * updates); and the arms that cannot learn are refused before any work, naming the arm.
 */
class TestAlgorithmsRun {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path directory;

    @Test
    void everyAlgorithmTrainsLogsTrlsNamesAndReportsItsBudget() throws IOException {
        Path config = directory.resolve("algorithms.yaml");
        Files.writeString(config, ArmsConfigs.TINY_ALGORITHMS);
        Path out = directory.resolve("run");
        CliResult result = CliResult.run("run", config.toString(), "--out", out.toString());
        assertEquals(0, result.exitCode(), result.toString());
        Map<String, JsonNode> arms = new HashMap<>();
        JSON.readTree(out.resolve("summary.json").toFile()).get("arms").forEach(arm -> arms.put(arm.get("name").asText(), arm));
        for (String name : List.of("kto", "simpo", "orpo", "online", "online-rm", "dapo", "gspo", "reinforce-pp")) {
            JsonNode arm = arms.get(name);
            assertEquals(4, arm.get("steps").asInt(), arm.toString());
            assertEquals(0, arm.get("skipped_steps").asInt(), arm.toString());
            assertTrue(Double.isFinite(arm.get("gold_reward_final").asDouble()) && Double.isFinite(arm.get("kl_to_reference").asDouble()),
                    arm.toString());
        }
        // budgets: the offline arms share rlhf's 24 labels; online DPO with its own panel took 4 steps x 4 pairs of labels while
        // it trained and none before; with the reward model as its judge it takes no label of a feedback source
        assertEquals(24, arms.get("kto").get("budget").get("labels").asInt());
        assertEquals(0, arms.get("kto").get("budget").get("rollouts").asInt());
        JsonNode online = arms.get("online").get("budget");
        assertEquals(16, online.get("labels").asInt(), online.toString());
        assertEquals(16, online.get("labels_in_training").asInt(), online.toString());
        assertEquals(32, online.get("rollouts").asInt(), online.toString());
        assertEquals(4, online.get("policy_updates").asInt(), online.toString());
        assertEquals(0, arms.get("online").get("preferences").get("pairs").asInt());
        JsonNode onlineRm = arms.get("online-rm").get("budget");
        assertEquals(24, onlineRm.get("labels").asInt(), onlineRm.toString());
        assertFalse(onlineRm.has("labels_in_training"), onlineRm.toString());
        // DAPO: two updates per step; dynamic sampling counts every response it sampled (refills included)
        JsonNode dapo = arms.get("dapo").get("budget");
        assertEquals(8, dapo.get("policy_updates").asInt(), dapo.toString());
        assertTrue(dapo.get("rollouts").asInt() >= 16, dapo.toString());
        assertEquals(8, arms.get("gspo").get("budget").get("policy_updates").asInt());
        assertEquals(16, arms.get("reinforce-pp").get("budget").get("rollouts").asInt());

        List<JsonNode> metrics = MetricsLog.readLines(out.resolve("metrics.jsonl"));
        expectFields(metrics, "kto", "kto", "kto/loss", "kl", "rewards/chosen", "rewards/rejected", "rewards/margins", "logps/chosen");
        expectFields(metrics, "simpo", "simpo", "simpo/loss", "rewards/accuracies", "rewards/margins", "logps/chosen");
        expectFields(metrics, "orpo", "orpo", "orpo/loss", "nll_loss", "log_odds_ratio", "log_odds_chosen", "rewards/accuracies");
        expectFields(metrics, "online", "online_dpo", "online_dpo/loss", "rewards/accuracies", "objective/kl", "val/contain_eos_token",
                "online_dpo/ties", "beta");
        expectFields(metrics, "online-rm", "online_dpo", "objective/scores", "objective/scores_margin", "rewards/margins");
        expectFields(metrics, "dapo", "grpo", "grpo/loss", "reward", "kl", "clip_ratio/high_mean", "clip_ratio/region_mean",
                "completions/clipped_ratio", "dynamic_sampling/dropped_groups", "dynamic_sampling/refilled_groups",
                "rewards/overlong_punishment", "grpo/grad_norm", "grpo/skipped_updates");
        expectFields(metrics, "gspo", "grpo", "clip_ratio/low_mean", "frac_reward_zero_std");
        expectFields(metrics, "reinforce-pp", "grpo", "grpo/loss", "reward", "kl");
        assertTrue(result.err().contains("Arm dapo: DAPO (loss_type dapo, epsilon 0.20/0.28, 2 iterations, dynamic sampling, "
                + "overlong punishment over 4 tokens)"), result.err());
        assertTrue(result.err().contains("Arm reinforce-pp: REINFORCE++"), result.err());
        assertTrue(result.err().contains("Arm online: online DPO (beta 0.100) labelled by simulated-annotators, 4 steps of 4 pairs"),
                result.err());
    }

    @Test
    void armsThatCannotLearnAreRefusedBeforeAnyWork() throws IOException {
        String head = ArmsConfigs.TINY_ALGORITHMS.substring(0, ArmsConfigs.TINY_ALGORITHMS.indexOf("  - name: kto"));
        refused(head + """
                  - name: nothing
                    feedback: {type: simulated-annotators, scorer: task}
                    preferences: {pairs: 0}
                    algorithm: {type: dpo}
                """, "arm 'nothing': preferences: {pairs: 0} collects no preferences before training, and its algorithm dpo does "
                + "not label pairs while it trains");
        refused(head + """
                  - name: reused
                    preferences: {from: rlhf}
                    algorithm: {type: online-dpo}
                """, "arm 'reused': algorithm type online-dpo labels pairs with the arm's own feedback source while it trains");
        refused(head + """
                  - name: model
                    feedback: {type: simulated-annotators, scorer: task}
                    preferences: {pairs: 0}
                    reward_model: {epochs: 1}
                    algorithm: {type: online-dpo}
                """, "so it has none to train its reward_model or cost_model on");
        refused(head + """
                  - name: dapo
                    preferences: {from: rlhf}
                    reward_model: {from: rlhf}
                    algorithm: {type: grpo, loss_type: dapo, loss_normalisation: sequence}
                """, "loss_normalisation sequence (the older key, loss_type grpo) contradicts loss_type dapo");
    }

    private void refused(String yaml, String message) throws IOException {
        Path config = Files.createTempFile(directory, "refused", ".yaml");
        Files.writeString(config, yaml);
        Path out = directory.resolve(config.getFileName() + "-out");
        CliResult result = CliResult.run("run", config.toString(), "--out", out.toString());
        assertEquals(2, result.exitCode(), result.toString());
        assertTrue(result.err().contains(message), result.err());
        assertFalse(Files.exists(out.resolve("checkpoints/sft")), "refused before any work");
    }

    /** Every training line of {@code arm}'s {@code phase} holds {@code fields}, each a finite number. */
    private static void expectFields(List<JsonNode> metrics, String arm, String phase, String... fields) {
        List<JsonNode> lines = metrics.stream().filter(line -> arm.equals(line.path("arm").asText())
                && phase.equals(line.path("phase").asText()) && !line.has("monitor/gold_reward")).toList();
        assertFalse(lines.isEmpty(), arm + " has no " + phase + " lines");
        for (JsonNode line : lines) {
            for (String field : fields) {
                assertTrue(line.has(field) && Double.isFinite(line.get(field).asDouble()), field + " missing in " + line);
            }
        }
    }
}
