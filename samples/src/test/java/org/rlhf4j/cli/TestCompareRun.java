package org.rlhf4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rlhf4j.api.io.MetricsLog;

/**
 * The main job, {@code samples/configs/compare.yaml}, shrunken ({@link CompareConfigs}) and run end to end with
 * {@code rlhf run}: every output file and field, the report and its disclosure card, the arms' equal budgets, the
 * report in chromium; and a real crash (SIGKILL of a child JVM) in the middle of the RLGAF arm's PPO, whose
 * discriminator learns while the policy does, then {@code --resume}: the same numbers as the uninterrupted run.
 */
class TestCompareRun {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> ONLINE = List.of("ppo", "ppo-lagrangian", "grpo");

    @TempDir
    static Path directory;
    static Path config;
    static Path run;
    static CliResult result;
    static JsonNode summary;
    static List<String> arms;

    @BeforeAll
    static void runTheShrunkenMainJob() throws IOException {
        config = CompareConfigs.writeShrunken(directory.resolve("compare-tiny.yaml"));
        arms = CompareConfigs.armNames();
        run = directory.resolve("run");
        result = CliResult.run("run", config.toString(), "--out", run.toString());
        assertEquals(0, result.exitCode(), result.toString());
        summary = JSON.readTree(run.resolve("summary.json").toFile());
    }

    @Test
    void theShippedConfigComparesTheFeedbackSourcesAndAlgorithmsOnOneSftPolicy() throws IOException {
        JsonNode shipped = CompareConfigs.shipped();
        Map<String, String> kinds = new LinkedHashMap<>();
        for (JsonNode arm : shipped.get("arms")) {
            String feedback = arm.path("feedback").path("type").asText(arm.path("preferences").path("from").asText());
            kinds.put(arm.get("name").asText(), feedback + " / " + arm.get("algorithm").get("type").asText());
        }
        assertEquals("simulated-annotators / ppo", kinds.get("rlhf"));
        assertEquals("rlhf / dpo", kinds.get("dpo"));
        assertEquals("gan-discriminator / ppo", kinds.get("rlgaf"));
        assertEquals("local-judge / ppo", kinds.get("rlaif"));
        assertEquals("rlhf / ppo-lagrangian", kinds.get("safe"));
        assertEquals("rlhf / grpo", kinds.get("grpo"));
        assertEquals("reviews", shipped.get("task").get("type").asText());
        assertFalse(shipped.has("policy") || shipped.has("sft") || shipped.has("evaluation"), "the main job runs on the defaults");
    }

    @Test
    void everyArmWritesItsSummaryFieldsAndTheOnlineArmsSpendEqualBudgets() {
        assertEquals("compare-tiny", summary.get("name").asText());
        assertTrue(summary.has("status"), "summary.json names its status");
        assertEquals("complete", summary.get("status").asText());
        assertTrue(summary.get("sft_evaluation").get("gold_reward").isNumber());
        List<String> names = new ArrayList<>();
        summary.get("arms").forEach(arm -> names.add(arm.get("name").asText()));
        assertEquals(arms, names);

        JsonNode onlineBudget = null;
        for (JsonNode arm : summary.get("arms")) {
            String name = arm.get("name").asText();
            for (String field : new String[] {"feedback", "algorithm", "gold_reward_sft", "gold_reward_final", "gold_cost_sft",
                    "gold_cost_final", "kl_to_reference", "win_rate_vs_sft", "steps", "skipped_steps", "evaluation", "budget",
                    "wall_seconds"}) {
                assertTrue(arm.has(field), name + ": " + field + " missing in " + arm);
            }
            double winRate = arm.get("win_rate_vs_sft").asDouble();
            assertTrue(winRate >= 0 && winRate <= 1, name + " win rate " + winRate);
            assertTrue(Double.isFinite(arm.get("kl_to_reference").asDouble()), name); // a sampled estimate: below 0 on tiny samples
            assertEquals(0, arm.get("skipped_steps").asInt(), name);
            JsonNode budget = arm.get("budget");
            assertTrue(budget.get("labels").asInt() > 0 && budget.get("policy_updates").asInt() > 0, budget.toString());
            if (ONLINE.contains(arm.get("algorithm").asText())) {
                assertTrue(arm.has("gold_monitor") && arm.get("gold_monitor").size() > 0, name + ": gold monitor");
                assertTrue(budget.get("rollouts").asInt() > 0, budget.toString());
                JsonNode comparable = budget.deepCopy();
                ((com.fasterxml.jackson.databind.node.ObjectNode) comparable).remove("labels_shared_with");
                if (onlineBudget == null) {
                    onlineBudget = comparable;
                }
                assertEquals(onlineBudget, comparable, "arm " + name + " spends the online arms' budget");
            }
        }
        JsonNode rlhf = arm("rlhf");
        assertTrue(rlhf.get("preferences").get("gold_agreement").isNumber());
        assertTrue(rlhf.get("reward_model").get("heldout_accuracy_gold").isNumber());
        assertTrue(rlhf.get("cost_model").get("heldout_safety_accuracy_gold").isNumber());
        assertEquals("rlhf", arm("dpo").get("budget").get("labels_shared_with").asText());
        assertEquals(rlhf.get("budget").get("labels"), arm("dpo").get("budget").get("labels"));
        assertEquals(0, arm("dpo").get("budget").get("rollouts").asInt());
        assertEquals("rlhf", arm("safe").get("reward_model_from").asText());
        assertEquals("rlhf", arm("safe").get("cost_model_from").asText());
        assertTrue(arm("rlaif").get("reward_model").get("heldout_accuracy_gold").isNumber(), "RLAIF learns a reward model");
        assertTrue(arm("rlaif").get("feedback_metrics").get("judge/gold_agreement").isNumber());
        assertTrue(arm("rlgaf").get("rewards").asText().contains("gan-discriminator"), arm("rlgaf").toString());
    }

    @Test
    void theJsonlFilesHoldEveryArmsLines() throws IOException {
        List<JsonNode> preferences = MetricsLog.readLines(run.resolve("preferences.jsonl"));
        for (String name : List.of("rlhf", "rlgaf", "rlaif")) {
            long lines = preferences.stream().filter(line -> name.equals(line.get("arm").asText())).count();
            assertEquals(arm(name).get("budget").get("labels").asLong(), lines, name + "'s labels");
        }
        List<JsonNode> metrics = MetricsLog.readLines(run.resolve("metrics.jsonl"));
        for (String name : arms) {
            assertTrue(metrics.stream().anyMatch(line -> name.equals(line.path("arm").asText())
                    && "eval".equals(line.path("phase").asText())), name + "'s eval line");
        }
        for (String name : List.of("rlhf", "rlgaf", "rlaif", "safe")) {
            assertTrue(metrics.stream().anyMatch(line -> name.equals(line.path("arm").asText()) && line.has("objective/kl")
                    && line.has("policy/clipfrac_avg")), name + "'s PPO lines");
        }
        assertTrue(metrics.stream().anyMatch(line -> "grpo".equals(line.path("arm").asText()) && line.has("kl") && line.has("reward_std")));
        assertTrue(metrics.stream().anyMatch(line -> "safe".equals(line.path("arm").asText()) && line.has("lagrangian/lambda")));
        assertTrue(metrics.stream().anyMatch(line -> "dpo".equals(line.path("arm").asText()) && line.has("rewards/accuracies")));
        List<JsonNode> samples = MetricsLog.readLines(run.resolve("samples.jsonl"));
        for (String name : concat("sft", arms)) {
            assertTrue(samples.stream().anyMatch(line -> name.equals(line.get("arm").asText())), name + "'s samples");
        }
        assertTrue(Files.size(run.resolve("tokenizer.json")) > 0);
    }

    @Test
    void theReportShowsEveryArmItsChartsTheBudgetsAndTheDisclosureCard() throws IOException {
        String html = Files.readString(run.resolve("report.html"));
        List<String> charts = new ArrayList<>();
        Matcher img = Pattern.compile("<img src=\"([^\"]+)\"").matcher(html);
        while (img.find()) {
            charts.add(img.group(1));
        }
        assertTrue(result.out().contains("report: " + run.resolve("report.html") + " (" + charts.size() + " charts)"), result.out());
        for (String chart : List.of("frontier.png", "training-reward.png", "training-kl.png", "training-length.png",
                "accuracy.png", "proxy-vs-gold-0-rlhf.png", "proxy-vs-gold-1-rlgaf.png", "proxy-vs-gold-2-rlaif.png",
                "proxy-vs-gold-3-safe.png", "proxy-vs-gold-4-grpo.png")) {
            assertTrue(charts.contains(chart), chart + " missing in " + charts);
        }
        for (String chart : charts) {
            BufferedImage image = ImageIO.read(run.resolve(chart).toFile());
            assertEquals(880, image.getWidth(), chart);
        }
        for (String name : arms) {
            assertTrue(html.contains("<tr><td>" + name + "</td>"), name + "'s rows");
        }
        assertTrue(html.contains("<th>rollouts generated</th>"), "the budgets table");

        JsonNode card = JSON.readTree(run.resolve("disclosure.json").toFile());
        assertEquals("compare-tiny", card.get("run").get("name").asText());
        assertEquals(arms.size(), card.get("preference_sources").size());
        assertEquals(arms.size(), card.get("budgets").size());
        for (int i = 0; i < arms.size(); i++) {
            JsonNode budget = card.get("budgets").get(i);
            JsonNode spent = arm(arms.get(i)).get("budget");
            assertEquals(arms.get(i), budget.get("arm").asText());
            assertEquals(spent.get("policy_updates"), budget.get("policy_updates"));
            assertEquals(spent.get("labels"), budget.get("preference_pairs"));
        }
        JsonNode judge = card.get("preference_sources").get(arms.indexOf("rlaif"));
        assertEquals("local-judge", judge.get("feedback").asText());
        assertTrue(judge.get("feedback_settings").has("constitution"), judge.toString());
        assertEquals(summary.get("warnings"), card.get("warnings"));
        assertEquals("compare-tiny", card.get("config").get("name").asText());

        try (ReportBrowser browser = new ReportBrowser(run.resolve("report.html"), directory.resolve("profile"))) {
            browser.assertChartsLoaded(charts.size());
            browser.assertNothingOverflows();
            assertTrue(browser.screenshot(Path.of("target", "compare-report-screenshot.png")) > 2000);
        }
    }

    @Test
    void resumingAfterSigkillsMidRlgafAndMidRlaifEndsWithTheUninterruptedNumbers() throws Exception {
        Path crashed = directory.resolve("crashed");
        Path checkpoints = crashed.resolve("checkpoints/arms/rlgaf/ppo");
        long killedAt = TestArmsCrash.killAfterCheckpoint(crashed, config, 400, checkpoints, 1);
        int steps = CompareConfigs.shipped().get("arms").get(arms.indexOf("rlgaf")).get("algorithm").get("steps").asInt()
                / CompareConfigs.STEPS_DIVISOR;
        assertTrue(killedAt >= 1 && killedAt < steps, "killed after RLGAF's PPO checkpoint " + killedAt + " of " + steps);
        assertFalse(Files.exists(crashed.resolve("checkpoints/arms/rlaif")), "the run went past RLGAF before the kill");
        Files.writeString(crashed.resolve("metrics.jsonl"), "{\"arm\": \"rlgaf\", \"step\": 9", StandardCharsets.UTF_8,
                StandardOpenOption.APPEND); // a line torn by the kill

        // killed again, resumed, in the RLAIF arm's PPO: its judge's preferences are read back with the judge's counters
        long killedAgainAt = TestArmsCrash.killAfterCheckpoint(crashed, config, "resume", 400,
                crashed.resolve("checkpoints/arms/rlaif/ppo"), 1);
        assertTrue(killedAgainAt >= 1 && killedAgainAt < steps, "killed after RLAIF's PPO checkpoint " + killedAgainAt);
        assertFalse(Files.exists(crashed.resolve("checkpoints/arms/safe")), "the run went past RLAIF before the kill");
        TestArmsCrash.finish(TestArmsCrash.child(crashed, config, "resume", 0));
        // against the in-process run of runTheShrunkenMainJob
        assertEquals(TestArmsRun.numbers(summary), TestArmsRun.numbers(JSON.readTree(crashed.resolve("summary.json").toFile())));
        assertEquals(Files.readString(run.resolve("samples.jsonl")), Files.readString(crashed.resolve("samples.jsonl")));
        // the same training lines; a learning source's warm-up is replayed on every resume to rebuild its state (the
        // discriminator's), which rewrites its lines after the others, so the order is not compared
        assertEquals(sorted(TestArmsCrash.trainingLines(run)), sorted(TestArmsCrash.trainingLines(crashed)));
        // the same preference lines, none lost or written twice; the discriminator's move to the end of the file for the same
        // reason as its training lines
        assertEquals(sorted(TestArmsCrash.preferences(run)), sorted(TestArmsCrash.preferences(crashed)));
        System.out.printf("compare crash test: killed after RLGAF's PPO checkpoint %d of %d, then after RLAIF's %d; resumed run "
                + "equal to the uninterrupted one%n", killedAt, steps, killedAgainAt);
    }

    private static List<String> sorted(List<JsonNode> lines) {
        return lines.stream().map(JsonNode::toString).sorted().toList();
    }

    private static JsonNode arm(String name) {
        for (JsonNode arm : summary.get("arms")) {
            if (name.equals(arm.get("name").asText())) {
                return arm;
            }
        }
        throw new AssertionError("no arm " + name);
    }

    private static List<String> concat(String first, List<String> rest) {
        List<String> all = new ArrayList<>(List.of(first));
        all.addAll(rest);
        return all;
    }
}
