package org.rlhf4j.api.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Recorded defaults and full mapping of the core config classes, in the manner of Trino's config tests. */
class TestExperimentConfig {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    @TempDir
    Path directory;

    private ExperimentConfig bind(String yaml) throws IOException {
        Path file = directory.resolve("c.yaml");
        Files.writeString(file, yaml);
        return ConfigBinder.bind(YamlTreeReader.read(file), ExperimentConfig.class);
    }

    @Test
    void recordedDefaults() throws IOException {
        ExperimentConfig config = bind("""
                name: n
                data: {comparisons: c.jsonl}
                arms: [{name: a, feedback: {type: t}}]
                """);
        ArmConfig arm = ArmConfig.of("a", new TypedConfig("t", NODES.objectNode()), Optional.empty());
        assertEquals(new ExperimentConfig("n", 42L, Optional.empty(), "runs", Optional.of(new DataConfig("c.jsonl")), 16,
                List.of(arm), PolicyConfig.defaults(), SftConfig.defaults(), EvaluationConfig.defaults()), config);
        assertEquals(false, config.isTaskExperiment());
    }

    @Test
    void fullMapping() throws IOException {
        String yaml = """
                name: full
                seed: 9
                task: {type: reviews, size: 3}
                output: elsewhere
                data: {comparisons: pairs.jsonl}
                batch_size: 5
                arms:
                  - name: one
                    feedback: {type: f, x: 1}
                    algorithm: {type: g}
                """;
        ObjectNode taskSettings = NODES.objectNode().put("size", 3);
        ObjectNode feedbackSettings = NODES.objectNode().put("x", 1);
        ExperimentConfig expected = new ExperimentConfig("full", 9L, Optional.of(new TypedConfig("reviews", taskSettings)),
                "elsewhere", Optional.of(new DataConfig("pairs.jsonl")), 5,
                List.of(ArmConfig.of("one", new TypedConfig("f", feedbackSettings), Optional.of(new TypedConfig("g", NODES.objectNode())))),
                PolicyConfig.defaults(), SftConfig.defaults(), EvaluationConfig.defaults());
        assertEquals(expected, bind(yaml));
        // every key of every core config class appears in the full mapping
        assertEquals(keys(ExperimentConfig.class), Set.of("name", "seed", "task", "output", "data", "batch_size", "arms",
                "policy", "sft", "evaluation"));
        assertEquals(keys(ArmConfig.class), Set.of("name", "feedback", "preferences", "reward_model", "cost_model", "algorithm",
                "reward_mix", "rounds"));
        assertEquals(keys(DataConfig.class), Set.of("comparisons"));
    }

    @Test
    void taskExperimentDefaults() throws IOException {
        ExperimentConfig config = bind("""
                name: t
                task: {type: reviews}
                """);
        assertEquals(true, config.isTaskExperiment());
        assertEquals(List.of(), config.arms());
        assertEquals(new PolicyConfig(128, 2, 4, 48, 2048), config.policy());
        assertEquals(new SftConfig(20_000, 600, 32, 2e-3, 30, 0.1, 0.01, 1.0, 10, 100, 2), config.sft());
        assertEquals(new EvaluationConfig(0, 4, 40, 1.0, 0, 1.0), config.evaluation());
    }

    @Test
    void taskExperimentFullMapping() throws IOException {
        ExperimentConfig config = bind("""
                name: t
                task: {type: reviews}
                policy: {d_model: 64, n_layers: 1, n_heads: 2, max_seq_len: 32, max_vocab: 500}
                sft: {corpus_size: 100, steps: 7, batch_size: 4, lr: 0.01, warmup: 2, min_lr_ratio: 0.5, weight_decay: 0,
                      max_grad_norm: 0, log_every: 3, checkpoint_every: 5, keep_checkpoints: 0}
                evaluation: {prompts: 3, samples_per_prompt: 2, max_new_tokens: 9, temperature: 0.5, top_k: 5, top_p: 0.9}
                """);
        assertEquals(new PolicyConfig(64, 1, 2, 32, 500), config.policy());
        assertEquals(new SftConfig(100, 7, 4, 0.01, 2, 0.5, 0.0, 0.0, 3, 5, 0), config.sft());
        assertEquals(new EvaluationConfig(3, 2, 9, 0.5, 5, 0.9), config.evaluation());
        assertEquals(keys(PolicyConfig.class), Set.of("d_model", "n_layers", "n_heads", "max_seq_len", "max_vocab"));
        assertEquals(keys(SftConfig.class), Set.of("corpus_size", "steps", "batch_size", "lr", "warmup", "min_lr_ratio",
                "weight_decay", "max_grad_norm", "log_every", "checkpoint_every", "keep_checkpoints"));
        assertEquals(keys(EvaluationConfig.class), Set.of("prompts", "samples_per_prompt", "max_new_tokens", "temperature",
                "top_k", "top_p"));
    }

    @Test
    void experimentKindInvariants() {
        assertEquals("missing 'task' ({type: reviews}: a task experiment) or 'data' and 'arms' (a labelling experiment)",
                assertConfigError("name: n\n"));
        assertEquals("arm 'b': 'preferences.from' must name an earlier arm with a feedback source, got 'c'",
                assertConfigError("name: n\ntask: {type: reviews}\narms: [{name: a, feedback: {type: t}}, "
                        + "{name: b, preferences: {from: c}}]\n"));
        assertEquals("'from' reuses another arm's preferences: it takes no other key",
                assertConfigError("name: n\ntask: {type: reviews}\narms: [{name: a, feedback: {type: t}}, "
                        + "{name: b, preferences: {from: a, pairs: 3}}]\n"));
        assertEquals("arm 'b': 'reward_model.from' must name an earlier arm that trains a reward_model, got 'a'",
                assertConfigError("name: n\ntask: {type: reviews}\narms: [{name: a, feedback: {type: t}}, "
                        + "{name: b, preferences: {from: a}, reward_model: {from: a}}]\n"));
        assertEquals("arm 'c': 'cost_model.from' must name an earlier arm that trains a cost_model, got 'b'",
                assertConfigError("name: n\ntask: {type: reviews}\narms: [{name: a, feedback: {type: t}, cost_model: {}}, "
                        + "{name: b, preferences: {from: a}, cost_model: {from: a}}, {name: c, preferences: {from: a}, cost_model: {from: b}}]\n"));
        assertEquals("reward_mix mixes a reward model's reward into the arm's feedback source's scores: it needs 'feedback' and "
                + "'reward_model'", assertConfigError("name: n\ntask: {type: reviews}\narms: [{name: a, feedback: {type: t}, reward_mix: 0.3}]\n"));
        assertEquals("reward_mix must be in [0, 1], got 1.5", assertConfigError("name: n\ntask: {type: reviews}\narms: [{name: a, "
                + "feedback: {type: t}, reward_model: {}, reward_mix: 1.5}]\n"));
        assertEquals("'from' reuses another arm's trained model: it takes no other key",
                assertConfigError("name: n\ntask: {type: reviews}\narms: [{name: a, feedback: {type: t}, reward_model: {}}, "
                        + "{name: b, preferences: {from: a}, reward_model: {from: a, epochs: 2}}]\n"));
        assertEquals("arm 'a': 'preferences', 'reward_model', 'cost_model' and 'rounds' belong to a task experiment ('task' without "
                + "'data')",
                assertConfigError("name: n\ndata: {comparisons: c.jsonl}\narms: [{name: a, feedback: {type: t}, reward_model: {}}]\n"));
        assertEquals("'policy', 'sft' and 'evaluation' belong to a task experiment ('task' without 'data')",
                assertConfigError("name: n\ndata: {comparisons: c.jsonl}\narms: [{name: a, feedback: {type: t}}]\nsft: {steps: 3}\n"));
        assertEquals("d_model (130) must be divisible by n_heads (4)",
                assertConfigError("name: n\ntask: {type: reviews}\npolicy: {d_model: 130}\n"));
        assertEquals("warmup must be in [0, steps=5], got 6",
                assertConfigError("name: n\ntask: {type: reviews}\nsft: {steps: 5, warmup: 6}\n"));
    }

    @Test
    void rounds() throws IOException {
        String arm = "name: n\ntask: {type: reviews}\narms: [{name: a, feedback: {type: t}, algorithm: {type: dpo}%s}%s]\n";
        assertEquals(1, bind(arm.formatted("", "")).arms().get(0).rounds());
        assertEquals(3, bind(arm.formatted(", rounds: 3, reward_model: {}, cost_model: {}", "")).arms().get(0).rounds());
        assertEquals("rounds must be >= 1, got 0", assertConfigError(arm.formatted(", rounds: 0", "")));
        String because = "rounds: 2 collects fresh preferences from the arm's own feedback source each round, retrains its reward "
                + "and cost models on them and continues its algorithm, but ";
        assertEquals(because + "it has no 'algorithm' to continue",
                assertConfigError("name: n\ntask: {type: reviews}\narms: [{name: a, feedback: {type: t}, rounds: 2}]\n"));
        assertEquals(because + "it reuses the preferences of arm 'a' ('preferences.from')",
                assertConfigError(arm.formatted("", ", {name: b, preferences: {from: a}, algorithm: {type: dpo}, rounds: 2}")));
        assertEquals(because + "it reuses the reward model of arm 'a' ('reward_model.from'), which a round cannot retrain",
                assertConfigError(arm.formatted(", reward_model: {}", ", {name: b, feedback: {type: t}, reward_model: {from: a}, "
                        + "algorithm: {type: ppo}, rounds: 2}")));
        assertEquals(because + "it reuses the cost model of arm 'a' ('cost_model.from'), which a round cannot retrain",
                assertConfigError(arm.formatted(", cost_model: {}", ", {name: b, feedback: {type: t}, cost_model: {from: a}, "
                        + "algorithm: {type: ppo}, rounds: 2}")));
        ConfigException e = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class,
                () -> bind(arm.formatted(", rounds: -1", "")));
        assertEquals("arms[0]", e.keyPath(), e.getMessage());
        assertEquals("arm 'a': 'preferences', 'reward_model', 'cost_model' and 'rounds' belong to a task experiment ('task' without "
                + "'data')", assertConfigError("name: n\ndata: {comparisons: c.jsonl}\narms: [{name: a, feedback: {type: t}, "
                + "algorithm: {type: g}, rounds: 2}]\n"));
    }

    private static Set<String> keys(Class<? extends Record> type) {
        return Arrays.stream(type.getRecordComponents())
                .map(component -> component.getName().replaceAll("([A-Z])", "_$1").toLowerCase(java.util.Locale.ROOT))
                .collect(Collectors.toCollection(TreeSet::new));
    }

    @Test
    void invariants() throws IOException {
        assertEquals("two arms are named 'a'", assertConfigError("""
                name: n
                data: {comparisons: c.jsonl}
                arms: [{name: a, feedback: {type: t}}, {name: a, feedback: {type: t}}]
                """));
        assertEquals("batch_size must be >= 1, got 0", assertConfigError("""
                name: n
                batch_size: 0
                data: {comparisons: c.jsonl}
                arms: [{name: a, feedback: {type: t}}]
                """));
        assertEquals("name 'a b' may hold only letters, digits, '.', '_' and '-'", assertConfigError("""
                name: n
                data: {comparisons: c.jsonl}
                arms: [{name: a b, feedback: {type: t}}]
                """));
    }

    private String assertConfigError(String yaml) {
        return org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class, () -> bind(yaml)).problem();
    }
}
