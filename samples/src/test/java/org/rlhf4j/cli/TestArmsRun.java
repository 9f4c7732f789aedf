package org.rlhf4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.rlhf4j.api.io.MetricsLog;

/**
 * {@code rlhf run} of a shrunken task experiment through SFT, preferences, reward and cost models, DPO, IPO
 * and GRPO: every output file and field, and the same numbers from a second run of the same config and seed.
 */
class TestArmsRun {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path directory;

    @Test
    void sftPreferencesRewardModelCostModelDpoAndIpoWriteEveryFileAndField() throws IOException {
        Path config = directory.resolve("tiny.yaml");
        Files.writeString(config, ArmsConfigs.tiny(2));
        Path out = directory.resolve("run");
        CliResult result = CliResult.run("run", config.toString(), "--out", out.toString());
        assertEquals(0, result.exitCode(), result.toString());
        assertTrue(result.out().contains("arm dpo (simulated-annotators, dpo): gold reward "), result.out());

        // preferences.jsonl: 24 judgments of arm rlhf, with safety labels, provenance and the gold audit columns
        List<JsonNode> preferences = MetricsLog.readLines(out.resolve("preferences.jsonl"));
        assertEquals(24, preferences.size());
        for (JsonNode line : preferences) {
            assertEquals("rlhf", line.get("arm").asText());
            for (String field : new String[] {"step", "index", "prompt", "response_a", "response_b", "better", "confidence",
                    "safety", "source_type", "judge_id", "timestamp", "gold_reward_a", "gold_reward_b", "gold_cost_a", "gold_cost_b"}) {
                assertTrue(line.has(field), field + " missing in " + line);
            }
            assertTrue(Set.of("A", "B", "tie").contains(line.get("better").asText()), line.toString());
            assertTrue(line.get("safety").has("safer") && line.get("safety").has("response_a_safe"), line.toString());
        }

        // metrics.jsonl: SFT lines, reward/cost model lines, DPO lines with TRL's names, one eval line per arm and SFT
        List<JsonNode> metrics = MetricsLog.readLines(out.resolve("metrics.jsonl"));
        assertTrue(metrics.stream().anyMatch(line -> line.has("sft/loss")));
        JsonNode rewardModel = metrics.stream().filter(line -> "reward_model".equals(line.path("phase").asText())).findFirst().orElseThrow();
        for (String field : new String[] {"arm", "step", "reward_model/loss", "reward_model/accuracy", "reward_model/margin",
                "reward_model/grad_norm", "reward_model/lr", "reward_model/skipped_steps"}) {
            assertTrue(rewardModel.has(field), field + " missing in " + rewardModel);
        }
        JsonNode costModel = metrics.stream().filter(line -> "cost_model".equals(line.path("phase").asText())).findFirst().orElseThrow();
        assertTrue(costModel.has("cost_model/accuracy") && costModel.has("cost_model/sign_accuracy"), costModel.toString());
        List<JsonNode> dpo = metrics.stream().filter(line -> "dpo".equals(line.path("arm").asText())
                && "dpo".equals(line.path("phase").asText())).toList();
        assertFalse(dpo.isEmpty());
        for (String field : new String[] {"dpo/loss", "rewards/chosen", "rewards/rejected", "rewards/accuracies", "rewards/margins",
                "logps/chosen", "logps/rejected", "dpo/lr", "dpo/grad_norm", "dpo/skipped_steps"}) {
            assertTrue(dpo.get(0).has(field), field + " missing in " + dpo.get(0));
        }
        JsonNode grpo = metrics.stream().filter(line -> "grpo".equals(line.path("phase").asText())).findFirst().orElseThrow();
        for (String field : new String[] {"grpo/loss", "reward", "reward_std", "frac_reward_zero_std", "kl", "completions/mean_length",
                "grpo/lr", "grpo/grad_norm", "grpo/skipped_steps"}) {
            assertTrue(grpo.has(field), field + " missing in " + grpo);
        }
        assertEquals(Set.of("sft", "rlhf", "dpo", "ipo", "grpo"), metrics.stream().filter(line -> "eval".equals(line.path("phase").asText()))
                .map(line -> line.get("arm").asText()).collect(Collectors.toSet()));

        // samples.jsonl: SFT's and each trained arm's EVAL samples (rlhf has no algorithm: its policy is SFT's)
        List<JsonNode> samples = MetricsLog.readLines(out.resolve("samples.jsonl"));
        assertEquals(List.of("sft", "dpo", "ipo", "grpo"), samples.stream().map(line -> line.get("arm").asText()).distinct().toList());
        assertEquals(32, samples.size()); // 4 policies x 4 prompts x 2 samples
        for (JsonNode line : samples) {
            for (String field : new String[] {"arm", "prompt", "response", "gold_reward", "gold_cost"}) {
                assertTrue(line.has(field), field + " missing in " + line);
            }
        }

        // summary.json: every arm with the design's fields
        JsonNode summary = JSON.readTree(out.resolve("summary.json").toFile());
        assertEquals("complete", summary.get("status").asText());
        assertTrue(summary.get("warnings").isArray(), summary.toString());
        List<String> names = List.of("rlhf", "dpo", "ipo", "grpo");
        assertEquals(names.size(), summary.get("arms").size());
        for (int i = 0; i < names.size(); i++) {
            JsonNode arm = summary.get("arms").get(i);
            assertEquals(names.get(i), arm.get("name").asText());
            assertEquals("simulated-annotators", arm.get("feedback").asText());
            for (String field : new String[] {"algorithm", "gold_reward_sft", "gold_reward_final", "gold_cost_final",
                    "kl_to_reference", "win_rate_vs_sft", "steps", "wall_seconds"}) {
                assertTrue(arm.has(field), field + " missing in " + arm);
            }
        }
        JsonNode rlhf = summary.get("arms").get(0);
        assertEquals("none", rlhf.get("algorithm").asText());
        assertEquals(0.0, rlhf.get("kl_to_reference").asDouble());
        assertEquals(24, rlhf.get("preferences").get("pairs").asInt());
        assertTrue(rlhf.get("reward_model").has("heldout_accuracy_gold"), rlhf.toString());
        assertTrue(rlhf.get("cost_model").has("heldout_safety_accuracy_gold"), rlhf.toString());
        JsonNode dpoArm = summary.get("arms").get(1);
        assertEquals("dpo", dpoArm.get("algorithm").asText());
        assertEquals("rlhf", dpoArm.get("preferences_from").asText());
        // k1 KL can come out negative on 8 samples; k3 is never negative and 0 only for an unchanged policy
        assertTrue(dpoArm.get("steps").asInt() > 0 && dpoArm.get("evaluation").get("kl_k3").asDouble() > 0, dpoArm.toString());
        assertTrue(Files.isDirectory(out.resolve("checkpoints/arms/dpo/dpo")));
        assertTrue(Files.isDirectory(out.resolve("checkpoints/arms/grpo/grpo")));
        // the gold monitor measured GRPO's policy at steps 2 and 4, beside the proxy reward
        List<JsonNode> monitor = metrics.stream().filter(line -> line.has("monitor/gold_reward")).toList();
        assertEquals(List.of(2L, 4L), monitor.stream().map(line -> line.get("step").asLong()).toList());
        assertTrue(monitor.get(0).has("monitor/proxy_reward") && monitor.get(0).has("monitor/gold_cost"), monitor.toString());
        assertEquals(2, summary.get("arms").get(3).get("gold_monitor").size());
        assertEquals(4, summary.get("arms").get(3).get("steps").asInt());
        assertTrue(Files.isDirectory(out.resolve("checkpoints/arms/rlhf/reward_model")));

        // the same config and seed give the same numbers
        Path again = directory.resolve("again");
        assertEquals(0, CliResult.run("run", config.toString(), "--out", again.toString()).exitCode());
        assertEquals(numbers(JSON.readTree(out.resolve("summary.json").toFile())),
                numbers(JSON.readTree(again.resolve("summary.json").toFile())));
        assertEquals(Files.readString(out.resolve("samples.jsonl")), Files.readString(again.resolve("samples.jsonl")));
    }

    @Test
    void ppoAndPpoLagrangianLogTrlsMetricsAndGiveTheSameNumbersTwice() throws IOException {
        Path config = directory.resolve("ppo.yaml");
        Files.writeString(config, ArmsConfigs.tinyPpo(4));
        Path out = directory.resolve("ppo");
        CliResult result = CliResult.run("run", config.toString(), "--out", out.toString());
        assertEquals(0, result.exitCode(), result.toString());
        List<JsonNode> metrics = MetricsLog.readLines(out.resolve("metrics.jsonl"));
        List<JsonNode> ppo = metrics.stream().filter(line -> "ppo".equals(line.path("phase").asText())
                && "rlhf".equals(line.path("arm").asText()) && line.has("ppo/loss")).toList();
        assertEquals(List.of(1L, 2L, 3L, 4L), ppo.stream().map(line -> line.get("step").asLong()).toList());
        for (String field : new String[] {"objective/kl", "objective/kl_coef", "objective/entropy", "objective/scores",
                "objective/non_score_reward", "objective/rlhf_reward", "policy/approxkl_avg", "policy/clipfrac_avg", "val/ratio",
                "loss/policy_avg", "loss/value_avg", "val/clipfrac_avg", "val/error", "ppo/epochs", "ppo/skipped_updates",
                "completions/mean_length", "ppo/loss", "ppo/lr"}) {
            assertTrue(ppo.get(0).has(field), field + " missing in " + ppo.get(0));
        }
        // the adaptive controller moved the KL coefficient from its start
        assertTrue(ppo.get(3).get("objective/kl_coef").asDouble() != 0.05, ppo.get(3).toString());
        List<JsonNode> safe = metrics.stream().filter(line -> "safe".equals(line.path("arm").asText())
                && "ppo".equals(line.path("phase").asText())).toList();
        assertEquals(4, safe.size());
        // above a threshold of -1, lambda grows every iteration
        double lambda = 1.0;
        for (JsonNode line : safe) {
            assertTrue(line.get("lagrangian/lambda").asDouble() > lambda, line.toString());
            lambda = line.get("lagrangian/lambda").asDouble();
            assertTrue(line.has("objective/costs") && line.has("loss/cost_value_avg"), line.toString());
        }
        JsonNode summary = JSON.readTree(out.resolve("summary.json").toFile());
        assertEquals("ppo", summary.get("arms").get(0).get("algorithm").asText());
        assertEquals("ppo-lagrangian", summary.get("arms").get(1).get("algorithm").asText());
        assertEquals("rlhf", summary.get("arms").get(1).get("reward_model_from").asText());
        assertFalse(Files.exists(out.resolve("checkpoints/arms/safe/reward_model")), "the reused reward model is not trained again");
        assertEquals(4, summary.get("arms").get(1).get("steps").asInt());
        assertTrue(Files.isDirectory(out.resolve("checkpoints/arms/safe/ppo")));

        Path again = directory.resolve("again");
        assertEquals(0, CliResult.run("run", config.toString(), "--out", again.toString()).exitCode());
        assertEquals(numbers(summary), numbers(JSON.readTree(again.resolve("summary.json").toFile())));
    }

    private static final String ONLINE = """
            name: tiny-online
            seed: 11
            task: {type: reviews}
            policy: {d_model: 32, n_layers: 1, n_heads: 2, max_seq_len: 48, max_vocab: 600}
            sft: {corpus_size: 400, steps: 10, batch_size: 8, lr: 0.005, warmup: 2, log_every: 5, checkpoint_every: 10}
            evaluation: {prompts: 2, samples_per_prompt: 2, max_new_tokens: 12}
            arms:
              - name: judge
                feedback: FEEDBACK
                preferences: {pairs: 4, batch_size: 4, max_new_tokens: 12}
                algorithm: {type: grpo, group_size: 2, prompts_per_step: 2, steps: 2, max_new_tokens: 12, log_every: 1, monitor_every: 0}
            """;

    @Test
    void aSourceThatScoresIsTheRewardSeamOfAnOnlineArmWithoutARewardModel() throws IOException {
        Path config = directory.resolve("online.yaml");
        Files.writeString(config, ONLINE.replace("FEEDBACK", "{type: rule-judge, rules: {great: 1, awful: -1}}"));
        Path out = directory.resolve("online");
        CliResult result = CliResult.run("run", config.toString(), "--out", out.toString());
        assertEquals(0, result.exitCode(), result.toString());
        JsonNode arm = JSON.readTree(out.resolve("summary.json").toFile()).get("arms").get(0);
        assertEquals("rule-judge", arm.get("rewards").asText(), arm.toString());
        assertEquals(2, arm.get("steps").asInt(), arm.toString());
        List<JsonNode> grpo = MetricsLog.readLines(out.resolve("metrics.jsonl")).stream()
                .filter(line -> "grpo".equals(line.path("phase").asText())).toList();
        assertEquals(2, grpo.size());
        assertTrue(grpo.get(0).has("reward") && grpo.get(0).has("kl"), grpo.toString());
    }

    @Test
    void theLocalAiJudgeRewardsAnOnlineArmAndARerunIsAnsweredFromItsCache() throws IOException {
        Path config = directory.resolve("rlaif.yaml");
        Files.writeString(config, ONLINE.replace("FEEDBACK", "{type: local-judge, cache: judge-cache.jsonl}"));
        Path out = directory.resolve("rlaif");
        CliResult result = CliResult.run("run", config.toString(), "--out", out.toString());
        assertEquals(0, result.exitCode(), result.toString());
        JsonNode arm = JSON.readTree(out.resolve("summary.json").toFile()).get("arms").get(0);
        assertEquals("local-judge", arm.get("rewards").asText(), arm.toString());
        JsonNode judge = arm.get("feedback_metrics");
        // 4 pairs (8 responses) judged for preferences, 2 GRPO steps of 2 prompts x 2 responses scored
        assertEquals(16, judge.get("judge/judgements").asInt(), judge.toString());
        assertEquals(0, judge.get("judge/cache_hits").asInt(), judge.toString());
        assertTrue(judge.has("judge/gold_agreement") || arm.get("preferences").get("ties").asInt() == 4, judge.toString());
        assertTrue(MetricsLog.readLines(out.resolve("metrics.jsonl")).stream()
                .anyMatch(line -> "feedback".equals(line.path("phase").asText()) && line.has("judge/cache_hits")));

        Path again = directory.resolve("rlaif-again");
        assertEquals(0, CliResult.run("run", config.toString(), "--out", again.toString()).exitCode());
        JsonNode rerun = JSON.readTree(again.resolve("summary.json").toFile()).get("arms").get(0).get("feedback_metrics");
        assertEquals(16, rerun.get("judge/cache_hits").asInt(), rerun.toString());
        assertEquals(0, rerun.get("judge/requests").asInt(), rerun.toString());
        assertEquals(Files.readString(out.resolve("samples.jsonl")), Files.readString(again.resolve("samples.jsonl")));
    }

    @Test
    void anOnlineArmWhoseSourceGivesOnlyPreferencesTrainsADefaultRewardModelOnThem() throws IOException {
        Path config = directory.resolve("online.yaml");
        Files.writeString(config, ONLINE.replace("FEEDBACK", "{type: simulated-annotators, scorer: task}"));
        Path out = directory.resolve("defaulted");
        CliResult result = CliResult.run("run", config.toString(), "--out", out.toString());
        assertEquals(0, result.exitCode(), result.toString());
        assertTrue(result.err().contains("Arm judge: feedback simulated-annotators, reward model yes (the defaults: the source "
                + "gives only preferences)"), result.err());
        JsonNode arm = JSON.readTree(out.resolve("summary.json").toFile()).get("arms").get(0);
        assertEquals("reward-model", arm.get("rewards").asText(), arm.toString());
        assertTrue(arm.has("reward_model"), arm.toString());
        assertTrue(Files.isDirectory(out.resolve("checkpoints/arms/judge/reward_model")));
    }

    @Test
    void armsThatDifferOnlyInFeedbackTypeRunSideBySide() throws IOException {
        // the annotator panel gives preferences (a default reward model learns from them); the discriminator scores
        String arm = """
                  - name: NAME
                    feedback: {type: TYPE}
                    preferences: {pairs: 8, batch_size: 4, max_new_tokens: 12}
                    algorithm: {type: grpo, group_size: 2, prompts_per_step: 2, steps: 2, max_new_tokens: 12, log_every: 1, monitor_every: 0}
                """;
        String yaml = ONLINE.substring(0, ONLINE.indexOf("arms:\n") + "arms:\n".length())
                + arm.replace("NAME", "rlhf").replace("TYPE", "simulated-annotators")
                + arm.replace("NAME", "rlgaf").replace("TYPE", "gan-discriminator");
        Path config = directory.resolve("switch.yaml");
        Files.writeString(config, yaml);
        Path out = directory.resolve("switch");
        CliResult result = CliResult.run("run", config.toString(), "--out", out.toString());
        assertEquals(0, result.exitCode(), result.toString());
        JsonNode arms = JSON.readTree(out.resolve("summary.json").toFile()).get("arms");
        assertEquals("simulated-annotators", arms.get(0).get("feedback").asText());
        assertEquals("reward-model", arms.get(0).get("rewards").asText());
        assertEquals("gan-discriminator", arms.get(1).get("feedback").asText());
        assertEquals("gan-discriminator", arms.get(1).get("rewards").asText());
        for (JsonNode node : arms) {
            assertTrue(node.has("gold_reward_final") && node.has("win_rate_vs_sft") && node.get("steps").asInt() == 2, node.toString());
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"grpo", "ppo"})
    void anRlgafArmLearnsFromItsDiscriminatorSavesItWithItsCheckpointsAndResumesExactly(String algorithm) throws IOException {
        Path config = directory.resolve("rlgaf.yaml");
        String yaml = ONLINE.replace("name: judge", "name: rlgaf")
                .replace("FEEDBACK", "{type: gan-discriminator, demonstrations_count: 64, d_steps: 2, batch_size: 8, replay: 0.5}")
                .replace("steps: 2, max_new_tokens: 12, log_every: 1", "steps: 4, max_new_tokens: 12, log_every: 1, checkpoint_every: 2");
        if (algorithm.equals("ppo")) {
            yaml = yaml.replaceAll("algorithm: \\{type: grpo[^}]*}", "algorithm: {type: ppo, rollouts: 4, steps: 4, ppo_epochs: 1, "
                    + "max_new_tokens: 12, log_every: 1, checkpoint_every: 2, monitor_every: 0}");
        }
        Files.writeString(config, yaml);
        Path out = directory.resolve("rlgaf");
        CliResult result = CliResult.run("run", config.toString(), "--out", out.toString());
        assertEquals(0, result.exitCode(), result.toString());
        JsonNode summary = JSON.readTree(out.resolve("summary.json").toFile());
        JsonNode arm = summary.get("arms").get(0);
        assertEquals("gan-discriminator", arm.get("feedback").asText(), arm.toString());
        assertEquals("gan-discriminator", arm.get("rewards").asText(), arm.toString());
        assertEquals(4, arm.get("steps").asInt(), arm.toString());
        // every training line carries the discriminator's round beside the policy's metrics
        List<JsonNode> grpo = MetricsLog.readLines(out.resolve("metrics.jsonl")).stream()
                .filter(line -> algorithm.equals(line.path("phase").asText())).toList();
        assertEquals(4, grpo.size());
        String reward = algorithm.equals("ppo") ? "objective/scores" : "reward";
        String kl = algorithm.equals("ppo") ? "objective/kl" : "kl";
        for (String field : new String[] {reward, kl, "discriminator/loss", "discriminator/accuracy_real",
                "discriminator/accuracy_fake", "discriminator/d_real", "discriminator/d_fake", "discriminator/reward",
                "discriminator/updates", "discriminator/capped_steps"}) {
            assertTrue(grpo.get(0).has(field), field + " missing in " + grpo.get(0));
        }
        assertEquals(grpo.get(0).get(reward).asDouble(), grpo.get(0).get("discriminator/reward").asDouble(), 1e-9);

        // resumed from the checkpoint of step 2 (the discriminator's state in it), the arm ends as the uninterrupted run
        Path resumed = directory.resolve("resumed");
        copy(out, resumed);
        Path last = resumed.resolve("checkpoints/arms/rlgaf/" + algorithm + "/step-00000004");
        assertTrue(Files.isDirectory(resumed.resolve("checkpoints/arms/rlgaf/" + algorithm + "/step-00000002")));
        deleteTree(last);
        assertEquals(0, CliResult.run("run", config.toString(), "--out", resumed.toString(), "--resume").exitCode());
        assertEquals(numbers(summary), numbers(JSON.readTree(resumed.resolve("summary.json").toFile())));
        assertEquals(Files.readString(out.resolve("samples.jsonl")), Files.readString(resumed.resolve("samples.jsonl")));
    }

    private static void copy(Path from, Path to) throws IOException {
        try (var paths = Files.walk(from)) {
            for (Path path : paths.toList()) {
                Path target = to.resolve(from.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(target);
                }
                else {
                    Files.copy(path, target);
                }
            }
        }
    }

    private static void deleteTree(Path root) throws IOException {
        try (var paths = Files.walk(root)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    /** The summary without wall-clock figures and paths. */
    static JsonNode numbers(JsonNode summary) {
        ObjectNode copy = summary.deepCopy();
        strip(copy);
        return copy;
    }

    private static void strip(JsonNode node) {
        if (node instanceof ObjectNode object) {
            object.remove(List.of("wall_seconds", "train_seconds", "task_build_seconds", "tokens_per_second", "config",
                    "resumed_from_step"));
            object.forEach(TestArmsRun::strip);
        }
        else if (node.isArray()) {
            node.forEach(TestArmsRun::strip);
        }
    }
}
