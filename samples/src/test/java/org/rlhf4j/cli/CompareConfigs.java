package org.rlhf4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The main job's config, {@code samples/configs/compare.yaml}, shrunken for tests: the shipped file itself, with the
 * same arms, feedback sources, algorithms and settings, run at tiny sizes (a 1-layer policy of width 32, 10 SFT steps,
 * 4 EVAL prompts). The arms' budgets are scaled, not replaced (labels / 128; PPO iterations and GRPO steps / 10; PPO
 * rollouts per iteration and GRPO responses per step / 4, GRPO's as groups of 2), so arms with equal budgets in the
 * shipped config keep equal budgets here.
 */
final class CompareConfigs {
    static final Path SHIPPED = Path.of("configs", "compare.yaml");
    static final int LABELS_DIVISOR = 128;
    static final int STEPS_DIVISOR = 10;
    static final int ROLLOUTS_DIVISOR = 4;
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private CompareConfigs() {}

    /** The shipped config as a tree. */
    static ObjectNode shipped() throws IOException {
        return (ObjectNode) YAML.readTree(Files.readString(SHIPPED));
    }

    /** The arm names of the shipped config, in order. */
    static List<String> armNames() throws IOException {
        List<String> names = new ArrayList<>();
        shipped().get("arms").forEach(arm -> names.add(arm.get("name").asText()));
        return names;
    }

    /** Writes the shrunken config to {@code file}. */
    static Path writeShrunken(Path file) throws IOException {
        ObjectNode config = shipped();
        config.put("name", "compare-tiny");
        config.set("policy", YAML.readTree("{d_model: 32, n_layers: 1, n_heads: 2, max_seq_len: 48, max_vocab: 600}"));
        config.set("sft", YAML.readTree("{corpus_size: 400, steps: 10, batch_size: 8, lr: 0.005, warmup: 2, log_every: 5, "
                + "checkpoint_every: 10}"));
        config.set("evaluation", YAML.readTree("{prompts: 4, samples_per_prompt: 2, max_new_tokens: 12}"));
        for (JsonNode node : config.get("arms")) {
            ObjectNode arm = (ObjectNode) node;
            ObjectNode preferences = (ObjectNode) arm.get("preferences");
            if (!preferences.has("from")) {
                preferences.put("pairs", Math.max(8, preferences.get("pairs").asInt() / LABELS_DIVISOR));
                preferences.put("batch_size", 8);
                preferences.put("max_new_tokens", 12);
                preferences.put("heldout_fraction", 0.25);
            }
            for (String model : new String[] {"reward_model", "cost_model"}) {
                if (arm.has(model) && !arm.get(model).has("from")) {
                    ((ObjectNode) arm.get(model)).put("epochs", 1).put("batch_size", 4).put("log_every", 2);
                }
            }
            ObjectNode algorithm = (ObjectNode) arm.get("algorithm");
            switch (algorithm.get("type").asText()) {
                case "ppo", "ppo-lagrangian" -> algorithm
                        .put("rollouts", Math.max(2, algorithm.get("rollouts").asInt() / ROLLOUTS_DIVISOR))
                        .put("steps", Math.max(2, algorithm.get("steps").asInt() / STEPS_DIVISOR))
                        .put("max_new_tokens", 10).put("monitor_every", 2).put("checkpoint_every", 1).put("log_every", 1);
                case "grpo" -> algorithm.put("group_size", 2)
                        .put("prompts_per_step", Math.max(1, algorithm.get("prompts_per_step").asInt()
                                * algorithm.get("group_size").asInt() / ROLLOUTS_DIVISOR / 2))
                        .put("steps", Math.max(2, algorithm.get("steps").asInt() / STEPS_DIVISOR))
                        .put("max_new_tokens", 10).put("monitor_every", 2).put("checkpoint_every", 1).put("log_every", 1);
                case "dpo" -> algorithm.put("batch_size", 4).put("log_every", 2).put("checkpoint_every", 2);
                default -> throw new IllegalStateException("compare.yaml has an algorithm this shrinker does not know: "
                        + algorithm.get("type").asText() + "; teach CompareConfigs to shrink it");
            }
        }
        Files.writeString(file, YAML.writeValueAsString(config));
        return file;
    }
}
