package org.rlhf4j.report;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;

/**
 * The disclosure card of a run, after Casper et al. (2023, "Open Problems and Fundamental Limitations of RLHF",
 * section 5): where every preference came from and with which settings, how far annotators and judges agreed with
 * gold, each reward and cost model's evaluation, the full resolved config and its seeds, the software, and every
 * warning the run raised. Written as {@code disclosure.json} and shown in report.html. Fields:
 * <ul>
 *   <li>{@code run}: name, task, seed, status, wall seconds, the config file given</li>
 *   <li>{@code preference_sources}: per arm its feedback type, the feedback and preference settings of the resolved
 *       config (annotators, temperature, biases, noise, judge, ...), where it took its preferences from, the gold audit
 *       of its labels ({@code preferences}) and what the source measured about itself ({@code feedback_metrics})</li>
 *   <li>{@code models}: per arm its reward model's and cost model's held-out evaluation and their agreement with gold on
 *       the arm's own EVAL samples</li>
 *   <li>{@code budgets}: per arm its preference pairs (those of the arm it took them from, if any), its policy's
 *       optimizer updates, the responses its policy generated while it trained ({@code rollouts}), steps skipped for a
 *       non-finite loss, and seconds</li>
 *   <li>{@code seeds}: every {@code seed} key of the resolved config with its path</li>
 *   <li>{@code config}: the resolved config (null when the run kept no checkpoint)</li>
 *   <li>{@code software}: rlhf4j, Java, ND4J backend and OS of the process that wrote the report</li>
 *   <li>{@code warnings}: the summary's warnings, verbatim</li>
 * </ul>
 */
final class DisclosureCard {
    private static final ObjectMapper JSON = new ObjectMapper();

    private DisclosureCard() {}

    static ObjectNode of(RunFiles run, Software software) {
        requireNonNull(run, "run is null");
        requireNonNull(software, "software is null");
        JsonNode summary = run.summary();
        ObjectNode card = JSON.createObjectNode();
        card.put("format", "rlhf4j-disclosure");
        card.put("version", 1);
        ObjectNode about = card.putObject("run");
        for (String field : new String[] {"name", "task", "seed", "status", "wall_seconds", "config"}) {
            if (summary.has(field)) {
                about.set(field.equals("config") ? "config_file" : field, summary.get(field));
            }
        }
        ArrayNode sources = card.putArray("preference_sources");
        ArrayNode models = card.putArray("models");
        ArrayNode budgets = card.putArray("budgets");
        for (JsonNode arm : run.arms()) {
            String name = arm.path("name").asText();
            JsonNode config = run.armConfig(name).orElse(JSON.createObjectNode());
            ObjectNode source = sources.addObject();
            source.put("arm", name);
            source.put("feedback", arm.path("feedback").asText());
            copy(arm, "preferences_from", source, "preferences_from");
            if (arm.has("preferences_from")) {
                // the labels are the other arm's: its settings apply, not this arm's (unused) defaults
                source.put("settings_note", "the preferences of arm " + arm.path("preferences_from").asText()
                        + ", with its feedback and preference settings");
            }
            else {
                copy(config, "feedback", source, "feedback_settings");
                copy(config, "preferences", source, "preference_settings");
            }
            copy(arm, "preferences", source, "gold_audit");
            copy(arm, "feedback_metrics", source, "feedback_metrics");
            copy(arm, "rewards", source, "rewards");

            ObjectNode model = models.addObject();
            model.put("arm", name);
            copy(arm, "reward_model_from", model, "reward_model_from");
            copy(arm, "reward_model", model, "reward_model");
            copy(arm, "cost_model_from", model, "cost_model_from");
            copy(arm, "cost_model", model, "cost_model");
            JsonNode evaluation = arm.path("evaluation");
            for (String field : new String[] {"reward_model_accuracy", "reward_model_pearson", "cost_model_accuracy",
                    "cost_model_pearson"}) {
                copy(evaluation, field, model, "eval_samples_" + field);
            }

            ObjectNode budget = budgets.addObject();
            budget.put("arm", name);
            budget.put("algorithm", arm.path("algorithm").asText());
            JsonNode labels = arm.path("preferences");
            if (arm.has("preferences_from")) {
                String from = arm.path("preferences_from").asText();
                budget.put("preferences_from", from);
                labels = run.arms().stream().filter(a -> from.equals(a.path("name").asText())).findFirst()
                        .map(a -> a.path("preferences")).orElse(labels);
            }
            if (labels.has("pairs")) {
                budget.set("preference_pairs", labels.path("pairs"));
            }
            JsonNode spent = arm.path("budget"); // written by the runner since the budgets were stated; older runs: steps
            copy(spent.has("policy_updates") ? spent : arm, spent.has("policy_updates") ? "policy_updates" : "steps", budget,
                    "policy_updates");
            copy(spent, "rollouts", budget, "rollouts");
            copy(arm, "skipped_steps", budget, "skipped_steps");
            copy(arm, "wall_seconds", budget, "wall_seconds");
        }
        ArrayNode seeds = card.putArray("seeds");
        if (summary.has("seed")) {
            seeds.addObject().put("path", "seed").set("value", summary.get("seed"));
        }
        run.config().ifPresent(config -> collectSeeds(config, "", seeds));
        card.set("config", run.config().isPresent() ? run.config().get().deepCopy() : card.nullNode());
        if (run.config().isEmpty()) {
            card.put("config_note", "the run kept no checkpoint, so its resolved config is not in the run directory");
        }
        ObjectNode versions = card.putObject("software");
        versions.put("rlhf4j", software.rlhf4j());
        versions.put("java", software.java());
        versions.put("nd4j_backend", software.nd4jBackend());
        versions.put("os", software.os());
        versions.put("note", "of the process that wrote this report");
        ArrayNode warnings = card.putArray("warnings");
        summary.path("warnings").forEach(warnings::add);
        return card;
    }

    private static void copy(JsonNode from, String field, ObjectNode to, String as) {
        JsonNode value = from.get(field);
        if (value != null && !value.isNull()) {
            to.set(as, value.deepCopy());
        }
    }

    /** Every {@code seed} key below the top level (the top-level seed is the summary's). */
    private static void collectSeeds(JsonNode node, String path, ArrayNode seeds) {
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                String child = path.isEmpty() ? field.getKey() : path + "." + field.getKey();
                if (field.getKey().contains("seed") && field.getValue().isValueNode() && !field.getValue().isNull()
                        && !child.equals("seed")) {
                    seeds.addObject().put("path", child).set("value", field.getValue());
                }
                collectSeeds(field.getValue(), child, seeds);
            }
        }
        else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                collectSeeds(node.get(i), path + "[" + i + "]", seeds);
            }
        }
    }
}
