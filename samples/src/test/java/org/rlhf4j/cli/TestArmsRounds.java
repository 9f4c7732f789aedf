package org.rlhf4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rlhf4j.algorithms.direct.PreferenceStep;
import org.rlhf4j.api.io.MetricsLog;
import org.rlhf4j.engine.checkpoint.CheckpointStore;
import org.rlhf4j.engine.model.Heads;
import org.rlhf4j.engine.model.TransformerConfig;
import org.rlhf4j.engine.model.TransformerWeights;
import org.rlhf4j.engine.tokenizer.SequenceEncoder;
import org.rlhf4j.engine.tokenizer.WordTokenizer;

/**
 * {@code rlhf run} of arms with {@code rounds: 2} (DPO and PPO at tiny sizes): round 2's preferences are sampled from
 * round 1's policy, the models are retrained, the algorithm continues, and every file says which round a line is of;
 * and the config and preflight errors of rounds.
 */
class TestArmsRounds {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path directory;

    @Test
    void twoRoundDpoAndPpoArmsCollectRoundTwoOnTheRoundOnePolicyAndGiveTheSameNumbersTwice() throws IOException {
        Path config = directory.resolve("rounds.yaml");
        Files.writeString(config, ArmsConfigs.tinyRounds(4));
        Path out = directory.resolve("run");
        CliResult result = CliResult.run("run", config.toString(), "--out", out.toString());
        assertEquals(0, result.exitCode(), result.toString());

        // preferences.jsonl: 16 pairs per arm and round, every line naming its round
        List<JsonNode> preferences = MetricsLog.readLines(out.resolve("preferences.jsonl"));
        assertEquals(64, preferences.size());
        for (String arm : List.of("dpo", "ppo")) {
            for (int round : List.of(1, 2)) {
                assertEquals(16, lines(preferences, arm, round).size(), arm + " round " + round);
            }
            // round 2's responses are new ones, not round 1's again
            Set<String> first = responses(lines(preferences, arm, 1));
            Set<String> second = responses(lines(preferences, arm, 2));
            assertTrue(second.stream().filter(first::contains).count() < second.size() / 2, first + " / " + second);
        }

        // round 2 was sampled from round 1's PPO policy pi_1, round 1 from SFT's (PPO trains on its own rollouts, never on
        // these pairs): log(pi_1 / pi_SFT) of a response averages KL(pi_1 || SFT) over samples of pi_1 and -KL(SFT || pi_1)
        // over samples of SFT, so round 2's mean exceeds round 1's by the two KLs (were both from SFT, by noise only)
        JsonNode summary = JSON.readTree(out.resolve("summary.json").toFile());
        double[] roundOne = logRatios(out, summary, "ppo", lines(preferences, "ppo", 1));
        double[] roundTwo = logRatios(out, summary, "ppo", lines(preferences, "ppo", 2));
        double[] dpoOne = logRatios(out, summary, "dpo", lines(preferences, "dpo", 1));
        double[] dpoTwo = logRatios(out, summary, "dpo", lines(preferences, "dpo", 2));
        System.out.printf("rounds test: mean log(pi_1/pi_SFT) of round-1 responses %.3f, of round-2 responses %.3f (dpo %.3f %.3f)%n",
                mean(roundOne), mean(roundTwo), mean(dpoOne), mean(dpoTwo));
        assertTrue(mean(roundTwo) - mean(roundOne) > 0.5, mean(roundOne) + " " + mean(roundTwo));

        // the summary: both rounds of each arm, with their preferences, models and evaluation; steps summed over rounds
        assertEquals("complete", summary.get("status").asText());
        for (JsonNode arm : summary.get("arms")) {
            JsonNode rounds = arm.get("rounds");
            assertEquals(2, rounds.size(), arm.toString());
            long steps = 0;
            for (int r = 0; r < 2; r++) {
                JsonNode round = rounds.get(r);
                assertEquals(r + 1, round.get("round").asInt());
                assertEquals(16, round.get("preferences").get("pairs").asInt());
                for (String field : List.of("reward_model_accuracy", "steps", "gold_reward", "gold_cost", "kl_to_reference",
                        "win_rate_vs_sft", "response_tokens")) {
                    assertTrue(round.has(field), field + " missing in " + round);
                }
                assertTrue(round.get("preferences").has("responses_gold_reward"), round.toString());
                steps += round.get("steps").asLong();
            }
            assertEquals(steps, arm.get("steps").asLong(), arm.toString());
            assertEquals(32, arm.get("preferences").get("pairs").asInt(), arm.toString());
            assertEquals(rounds.get(1).get("gold_reward").asDouble(), arm.get("gold_reward_final").asDouble());
            assertEquals(rounds.get(1).get("kl_to_reference").asDouble(), arm.get("kl_to_reference").asDouble());
            assertEquals(rounds.get(1).get("reward_model_accuracy").asDouble(),
                    arm.get("reward_model").get("heldout_accuracy_gold").asDouble());
        }
        assertEquals(8, summary.get("arms").get(1).get("steps").asInt()); // PPO: 4 iterations in each round
        // the budget sums the rounds: 2 x 16 labels, 8 iterations of 4 rollouts, 8 x 2 epochs x 2 minibatches updates
        JsonNode budget = summary.get("arms").get(1).get("budget");
        assertEquals(32, budget.get("labels").asInt(), budget.toString());
        assertEquals(32, budget.get("rollouts").asInt(), budget.toString());
        assertEquals(32, budget.get("policy_updates").asInt(), budget.toString());

        // metrics.jsonl: every line of an arm names its round; the algorithm's steps run on across rounds
        List<JsonNode> metrics = MetricsLog.readLines(out.resolve("metrics.jsonl"));
        List<JsonNode> ppo = metrics.stream().filter(line -> "ppo".equals(line.path("arm").asText())
                && "ppo".equals(line.path("phase").asText()) && line.has("ppo/loss")).toList();
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L), ppo.stream().map(line -> line.get("step").asLong()).toList());
        assertEquals(List.of(1, 1, 1, 1, 2, 2, 2, 2), ppo.stream().map(line -> line.get("round").asInt()).toList());
        assertEquals(List.of(2L, 4L, 6L, 8L), metrics.stream().filter(line -> "ppo".equals(line.path("arm").asText())
                && line.has("monitor/gold_reward")).map(line -> line.get("step").asLong()).toList());
        for (String phase : List.of("reward_model", "eval")) {
            for (String arm : List.of("dpo", "ppo")) {
                assertEquals(Set.of(1, 2), metrics.stream().filter(line -> arm.equals(line.path("arm").asText())
                        && phase.equals(line.path("phase").asText())).map(line -> line.get("round").asInt())
                        .collect(Collectors.toSet()), arm + " " + phase);
            }
        }
        assertTrue(metrics.stream().filter(line -> "dpo".equals(line.path("arm").asText())).allMatch(line -> line.has("round")));
        List<JsonNode> monitor = new ArrayList<>();
        summary.get("arms").get(1).get("gold_monitor").forEach(monitor::add);
        assertEquals(List.of(1, 1, 2, 2), monitor.stream().map(point -> point.get("round").asInt()).toList());
        for (String phase : List.of("dpo/dpo", "dpo/reward_model", "dpo/round-2/dpo", "dpo/round-2/reward_model", "ppo/ppo",
                "ppo/round-2/ppo", "ppo/round-2/reward_model")) {
            assertTrue(Files.isDirectory(out.resolve("checkpoints/arms/" + phase)), phase);
        }

        // the same config and seed give the same numbers
        Path again = directory.resolve("again");
        assertEquals(0, CliResult.run("run", config.toString(), "--out", again.toString()).exitCode());
        assertEquals(TestArmsRun.numbers(summary), TestArmsRun.numbers(JSON.readTree(again.resolve("summary.json").toFile())));
        assertEquals(Files.readString(out.resolve("samples.jsonl")), Files.readString(again.resolve("samples.jsonl")));
    }

    @Test
    void roundsNeedAFeedbackSourceThatLabelsTheCurrentPolicyAndAModelToRetrain() throws IOException {
        Path config = directory.resolve("bad.yaml");
        Files.writeString(config, """
                name: bad-rounds
                task: {type: reviews}
                arms:
                  - name: judge
                    rounds: 2
                    feedback: {type: rule-judge, rules: {great: 1, awful: -1}}
                    algorithm: {type: grpo}
                """);
        CliResult result = CliResult.run("run", config.toString(), "--out", directory.resolve("run").toString());
        assertEquals(2, result.exitCode(), result.toString());
        assertTrue(result.err().contains("arm 'judge': rounds: 2 collects fresh preferences on the current policy each round, to "
                + "retrain the reward model on them, and this arm has none: its algorithm grpo takes the scores of feedback type "
                + "rule-judge directly; give it a reward_model, or use rounds: 1"), result.toString());
        assertFalse(Files.exists(directory.resolve("run/metrics.jsonl")), "no work before the error");

        Files.writeString(config, ArmsConfigs.tinyRounds(2).replace("rounds: 2\n    feedback", "rounds: 0\n    feedback"));
        result = CliResult.run("run", config.toString(), "--out", directory.resolve("run0").toString());
        assertEquals(2, result.exitCode(), result.toString());
        assertTrue(result.err().contains("line 8") && result.err().contains("rounds must be >= 1, got 0"), result.toString());
    }

    private static List<JsonNode> lines(List<JsonNode> preferences, String arm, int round) {
        return preferences.stream().filter(line -> arm.equals(line.get("arm").asText()) && line.get("round").asInt() == round).toList();
    }

    private static Set<String> responses(List<JsonNode> lines) {
        return lines.stream().flatMap(line -> java.util.stream.Stream.of(line.get("prompt").asText() + "|" + line.get("response_a").asText(),
                line.get("prompt").asText() + "|" + line.get("response_b").asText())).collect(Collectors.toSet());
    }

    /** log pi_1(response) - log pi_SFT(response) of every response of the lines, pi_1 the arm's policy after round 1. */
    private static double[] logRatios(Path run, JsonNode summary, String arm, List<JsonNode> lines) throws IOException {
        JsonNode policy = summary.get("policy");
        TransformerConfig config = new TransformerConfig(policy.get("vocab_size").asInt(), policy.get("d_model").asInt(),
                policy.get("n_heads").asInt(), policy.get("n_layers").asInt(), policy.get("max_seq_len").asInt(), 4, 1e-5, 0.02);
        TransformerWeights sft = load(config, run.resolve("checkpoints"));
        TransformerWeights roundOne = load(config, run.resolve("checkpoints/arms/" + arm + "/" + arm));
        SequenceEncoder encoder = new SequenceEncoder(WordTokenizer.load(run.resolve("tokenizer.json")), config.maxSeqLen());
        List<SequenceEncoder.Encoded[]> pairs = new ArrayList<>();
        for (JsonNode line : lines) {
            pairs.add(new SequenceEncoder.Encoded[] {encoder.encode(line.get("prompt").asText(), line.get("response_a").asText()),
                    encoder.encode(line.get("prompt").asText(), line.get("response_b").asText())});
        }
        double[][] policyLogps = PreferenceStep.referenceLogProbs(roundOne, pairs, 4, 1);
        double[][] sftLogps = PreferenceStep.referenceLogProbs(sft, pairs, 4, 1);
        double[] ratios = new double[2 * pairs.size()];
        for (int i = 0; i < pairs.size(); i++) {
            ratios[2 * i] = policyLogps[i][0] - sftLogps[i][0];
            ratios[2 * i + 1] = policyLogps[i][1] - sftLogps[i][1];
        }
        return ratios;
    }

    private static TransformerWeights load(TransformerConfig config, Path checkpoints) throws IOException {
        return TransformerWeights.of(config, Heads.LM, new HashMap<>(CheckpointStore.open(checkpoints, 0).loadLatest().orElseThrow().model()));
    }

    private static double mean(double[] values) {
        return java.util.Arrays.stream(values).average().orElse(Double.NaN);
    }
}
