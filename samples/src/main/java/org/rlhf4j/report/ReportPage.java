package org.rlhf4j.report;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * report.html: one self-contained page (inline CSS, no script, no web font, nothing fetched) beside its PNG charts.
 * Every text that comes from the run is HTML-escaped. Sections, by id: {@code warnings}, {@code results},
 * {@code frontier}, {@code training}, {@code over-optimisation}, {@code accuracy}, {@code samples},
 * {@code disclosure}.
 */
final class ReportPage {
    /** How many EVAL prompts the samples section shows. */
    static final int SAMPLE_PROMPTS = 3;

    private static final ObjectMapper PRETTY = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final String STYLE = """
            body{font-family:"DejaVu Sans",Arial,Helvetica,sans-serif;margin:0 auto;max-width:960px;padding:16px 20px;
              color:#1b1b1b;line-height:1.45}
            h1{font-size:1.6em;margin:.2em 0} h2{border-bottom:2px solid #ccd;padding-bottom:3px;margin-top:1.8em}
            h3{margin:1.2em 0 .4em}
            .meta{color:#555}
            figure{margin:1em 0} figure img{max-width:100%;height:auto;border:1px solid #ddd}
            figcaption{color:#444;font-size:.92em}
            .scroll{overflow-x:auto;max-width:100%}
            table{border-collapse:collapse;font-size:.92em;margin:.5em 0}
            th,td{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}
            th{background:#f1f2f6} td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
            .warnings{background:#fff4e5;border:1px solid #f0b060;padding:8px 14px;border-radius:4px}
            .prompt{font-weight:bold;margin-top:1em}
            .response{white-space:pre-wrap;overflow-wrap:anywhere}
            code,pre{font-family:"DejaVu Sans Mono",monospace;font-size:.85em;overflow-wrap:anywhere;white-space:pre-wrap}
            pre{background:#f7f7f9;border:1px solid #ddd;padding:8px;max-height:480px;overflow:auto}
            .none{color:#777;font-style:italic}
            table.samples{width:100%} th.policy{width:7em} th.gold{width:5.5em}
            """;

    private final RunFiles run;
    private final ObjectNode disclosure;
    private final StringBuilder html = new StringBuilder(32_768);

    ReportPage(RunFiles run, ObjectNode disclosure) {
        this.run = requireNonNull(run, "run is null");
        this.disclosure = requireNonNull(disclosure, "disclosure is null");
    }

    /** The page, given the charts drawn (by section). */
    String render(Optional<Chart> frontier, List<Chart> training, List<Chart> proxyVsGold, Optional<Chart> accuracy) {
        JsonNode summary = run.summary();
        String name = summary.path("name").asText("run");
        html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>rlhf4j report: ").append(esc(name)).append("</title>\n<style>\n").append(STYLE)
                .append("</style>\n</head>\n<body>\n");
        html.append("<h1>rlhf4j report: ").append(esc(name)).append("</h1>\n<p class=\"meta\">task ")
                .append(esc(summary.path("task").asText("?"))).append(", seed ").append(esc(summary.path("seed").asText("?")))
                .append(", status ").append(esc(summary.path("status").asText("?"))).append(", ")
                .append(run.arms().size()).append(" arm(s), wall time ")
                .append(esc(Numbers.format(summary.path("wall_seconds")))).append(" s. Software: rlhf4j ")
                .append(esc(disclosure.path("software").path("rlhf4j").asText())).append(", Java ")
                .append(esc(disclosure.path("software").path("java").asText())).append(", ND4J ")
                .append(esc(disclosure.path("software").path("nd4j_backend").asText())).append(".</p>\n");
        warnings();
        results();
        section("frontier", "Gold reward against KL (the frontier)");
        figures(frontier.stream().toList(), "no arm was evaluated");
        section("training", "Reward, KL and response length over training");
        html.append("<p>Each algorithm logs its own reward and KL (the legend names the metric): PPO's "
                + "<code>objective/scores</code> (reward-model score) and <code>objective/kl</code> (nats per response), "
                + "GRPO's <code>reward</code> and <code>kl</code> (nats per token), DPO's implicit reward margin "
                + "<code>rewards/margins</code>. DPO logs no KL and no length while training.</p>\n");
        figures(training, "no arm logged a training curve");
        section("over-optimisation", "Proxy vs gold reward (over-optimisation)");
        figures(proxyVsGold, "no arm ran a gold monitor (algorithm.monitor_every)");
        section("accuracy", "Reward-model, cost-model, judge and discriminator accuracy");
        figures(accuracy.stream().toList(), "no arm reported an accuracy against gold");
        accuracyTable();
        samples();
        disclosureCard();
        html.append("<p class=\"meta\">Written from the run directory's files alone (by <code>rlhf run</code> at its end, or "
                + "again by <code>rlhf report RUN_DIR</code>); <code>disclosure.json</code> beside this page holds the "
                + "disclosure card.</p>\n</body>\n</html>\n");
        return html.toString();
    }

    private void warnings() {
        JsonNode warnings = run.summary().path("warnings");
        section("warnings", "Warnings the run raised");
        if (!warnings.isArray() || warnings.isEmpty()) {
            html.append("<p class=\"none\">none</p>\n");
            return;
        }
        html.append("<div class=\"warnings\"><ul>\n");
        warnings.forEach(w -> html.append("<li>").append(esc(w.asText())).append("</li>\n"));
        html.append("</ul></div>\n");
    }

    private void results() {
        section("results", "Final metrics");
        html.append("<p>Every policy evaluated on the same EVAL prompts. Gold reward and cost come from the task's gold "
                + "scorer, never shown to the learners; KL is to the SFT policy in nats per response; win rate is the "
                + "fraction of EVAL prompts where the arm's response beats SFT's on gold (ties count half).</p>\n");
        html.append("<div class=\"scroll\"><table>\n<tr><th>arm</th><th>feedback</th><th>algorithm</th>"
                + "<th>gold reward</th><th>gold cost</th><th>KL to SFT (nats)</th><th>win rate vs SFT</th>"
                + "<th>policy updates</th><th>wall time (s)</th></tr>\n");
        JsonNode sft = run.summary().path("sft_evaluation");
        html.append("<tr><td>sft</td><td>\u2013</td><td>sft</td>").append(num(sft.path("gold_reward")))
                .append(num(sft.path("gold_cost"))).append(num(sft.path("kl_to_reference")))
                .append(num(sft.path("win_rate_vs_sft"))).append(num(run.summary().path("sft").path("steps")))
                .append(num(run.summary().path("task_build_seconds"))).append("</tr>\n");
        for (JsonNode arm : run.arms()) {
            html.append("<tr><td>").append(esc(arm.path("name").asText())).append("</td><td>")
                    .append(esc(arm.path("feedback").asText())).append("</td><td>").append(esc(arm.path("algorithm").asText()))
                    .append("</td>").append(num(arm.path("gold_reward_final"))).append(num(arm.path("gold_cost_final")))
                    .append(num(arm.path("kl_to_reference"))).append(num(arm.path("win_rate_vs_sft")))
                    .append(num(arm.path("budget").has("policy_updates") ? arm.path("budget").path("policy_updates") : arm.path("steps")))
                    .append(num(arm.path("wall_seconds"))).append("</tr>\n");
        }
        html.append("</table></div>\n<p class=\"meta\">The SFT row's wall time is the task build (corpus, tokenizer, "
                + "SFT). An arm with algorithm <code>none</code> only collects preferences and trains models: its policy "
                + "is SFT's.</p>\n");
    }

    private void accuracyTable() {
        List<String[]> rows = new ArrayList<>();
        for (JsonNode arm : run.arms()) {
            for (ReportCharts.Measure measure : ReportCharts.Measure.of(arm, run)) {
                rows.add(new String[] {arm.path("name").asText(), measure.label(),
                    String.format(Locale.ROOT, "%.3f", measure.value()), measure.source()});
            }
        }
        if (rows.isEmpty()) {
            return;
        }
        html.append("<div class=\"scroll\"><table>\n<tr><th>arm</th><th>measure</th><th>accuracy</th><th>from</th></tr>\n");
        for (String[] row : rows) {
            html.append("<tr><td>").append(esc(row[0])).append("</td><td>").append(esc(row[1]))
                    .append("</td><td class=\"num\">").append(esc(row[2])).append("</td><td><code>").append(esc(row[3]))
                    .append("</code></td></tr>\n");
        }
        html.append("</table></div>\n");
    }

    private void samples() {
        section("samples", "Sample responses");
        List<JsonNode> samples = run.samples();
        Set<String> prompts = new LinkedHashSet<>();
        for (JsonNode line : samples) {
            if ("sft".equals(line.path("arm").asText()) && prompts.size() < SAMPLE_PROMPTS) {
                prompts.add(line.path("prompt").asText());
            }
        }
        if (prompts.isEmpty()) {
            html.append("<p class=\"none\">samples.jsonl holds no SFT samples</p>\n");
            return;
        }
        html.append("<p>The first response of each policy to the same EVAL prompt, with its gold reward and cost "
                + "(first ").append(prompts.size()).append(" prompts of samples.jsonl).</p>\n");
        List<String> policies = new ArrayList<>();
        policies.add("sft");
        for (JsonNode arm : run.arms()) {
            policies.add(arm.path("name").asText());
        }
        for (String prompt : prompts) {
            html.append("<p class=\"prompt\">Prompt: <span class=\"response\">").append(esc(prompt)).append("</span></p>\n");
            html.append("<div class=\"scroll\"><table class=\"samples\">\n<tr><th class=\"policy\">policy</th><th>response</th>"
                    + "<th class=\"gold\">gold reward</th><th class=\"gold\">gold cost</th></tr>\n");
            for (String policy : policies) {
                samples.stream().filter(line -> policy.equals(line.path("arm").asText())
                        && prompt.equals(line.path("prompt").asText())).findFirst().ifPresent(line -> html.append("<tr><td>")
                        .append(esc(policy)).append("</td><td class=\"response\">").append(esc(line.path("response").asText()))
                        .append("</td>").append(num(line.path("gold_reward"))).append(num(line.path("gold_cost")))
                        .append("</tr>\n"));
            }
            html.append("</table></div>\n");
        }
    }

    private void disclosureCard() {
        section("disclosure", "Disclosure card");
        html.append("<p>After Casper et al. (2023), <i>Open Problems and Fundamental Limitations of Reinforcement "
                + "Learning from Human Feedback</i>, section 5: where the feedback came from, how good it was, and how to "
                + "reproduce the run. The same card is in <code>disclosure.json</code>.</p>\n");
        html.append("<h3>Where every preference came from</h3>\n<div class=\"scroll\"><table>\n<tr><th>arm</th>"
                + "<th>feedback</th><th>settings</th><th>agreement with gold</th></tr>\n");
        for (JsonNode source : disclosure.path("preference_sources")) {
            html.append("<tr><td>").append(esc(source.path("arm").asText())).append("</td><td>")
                    .append(esc(source.path("feedback").asText()));
            html.append("</td><td>");
            if (source.has("preferences_from")) {
                html.append("the preferences of arm ").append(esc(source.path("preferences_from").asText()));
            }
            html.append(jsonCell(source.get("feedback_settings"), "feedback"))
                    .append(jsonCell(source.get("preference_settings"), "preferences")).append("</td><td>")
                    .append(source.has("preferences_from") && !source.has("gold_audit")
                            ? "as arm " + esc(source.path("preferences_from").asText()) + "'s" : "")
                    .append(jsonCell(source.get("gold_audit"), "labels")).append(jsonCell(source.get("feedback_metrics"), "source"))
                    .append("</td></tr>\n");
        }
        html.append("</table></div>\n");
        boolean rewardModels = false;
        boolean costModels = false;
        for (JsonNode model : disclosure.path("models")) {
            rewardModels |= model.has("reward_model") || model.has("reward_model_from");
            costModels |= model.has("cost_model") || model.has("cost_model_from");
        }
        html.append("<h3>Reward and cost models</h3>\n");
        if (!rewardModels && !costModels) {
            html.append("<p class=\"none\">no arm trained a reward or cost model</p>\n");
        }
        else {
            html.append("<div class=\"scroll\"><table>\n<tr><th>arm</th>").append(rewardModels ? "<th>reward model</th>" : "")
                    .append(costModels ? "<th>cost model</th>" : "").append("</tr>\n");
            for (JsonNode model : disclosure.path("models")) {
                html.append("<tr><td>").append(esc(model.path("arm").asText())).append("</td>");
                if (rewardModels) {
                    html.append("<td>").append(model.has("reward_model_from")
                                    ? "from arm " + esc(model.path("reward_model_from").asText()) + "<br>" : "")
                            .append(jsonCell(model.get("reward_model"), "held-out"))
                            .append(jsonCell(model.get("eval_samples_reward_model_accuracy"), "accuracy on EVAL samples"))
                            .append("</td>");
                }
                if (costModels) {
                    html.append("<td>").append(model.has("cost_model_from")
                                    ? "from arm " + esc(model.path("cost_model_from").asText()) + "<br>" : "")
                            .append(jsonCell(model.get("cost_model"), "held-out"))
                            .append(jsonCell(model.get("eval_samples_cost_model_accuracy"), "accuracy on EVAL samples"))
                            .append("</td>");
                }
                html.append("</tr>\n");
            }
            html.append("</table></div>\n");
        }
        html.append("<h3>Budgets</h3>\n<div class=\"scroll\"><table>\n<tr><th>arm</th><th>algorithm</th>"
                + "<th>preference pairs</th><th>policy updates</th><th>rollouts generated</th><th>wall time (s)</th></tr>\n");
        for (JsonNode budget : disclosure.path("budgets")) {
            html.append("<tr><td>").append(esc(budget.path("arm").asText())).append("</td><td>")
                    .append(esc(budget.path("algorithm").asText())).append("</td><td class=\"num\">")
                    .append(esc(Numbers.format(budget.path("preference_pairs"))))
                    .append(budget.has("preferences_from") ? " (arm " + esc(budget.path("preferences_from").asText()) + "'s)" : "")
                    .append("</td>")
                    .append(num(budget.path("policy_updates"))).append(num(budget.path("rollouts")))
                    .append(num(budget.path("wall_seconds"))).append("</tr>\n");
        }
        html.append("</table></div>\n");
        html.append("<h3>Seeds</h3>\n<p>");
        List<String> seeds = new ArrayList<>();
        disclosure.path("seeds").forEach(seed -> seeds.add("<code>" + esc(seed.path("path").asText()) + " = "
                + esc(seed.path("value").asText()) + "</code>"));
        html.append(seeds.isEmpty() ? "<span class=\"none\">none recorded</span>" : String.join(", ", seeds)).append("</p>\n");
        html.append("<h3>Software</h3>\n<p>");
        JsonNode software = disclosure.path("software");
        html.append("rlhf4j ").append(esc(software.path("rlhf4j").asText())).append("; Java ")
                .append(esc(software.path("java").asText())).append("; ND4J backend ")
                .append(esc(software.path("nd4j_backend").asText())).append("; ").append(esc(software.path("os").asText()))
                .append(" (").append(esc(software.path("note").asText())).append(")</p>\n");
        html.append("<h3>Warnings</h3>\n");
        if (disclosure.path("warnings").isEmpty()) {
            html.append("<p class=\"none\">none</p>\n");
        }
        else {
            html.append("<ul>\n");
            disclosure.path("warnings").forEach(w -> html.append("<li>").append(esc(w.asText())).append("</li>\n"));
            html.append("</ul>\n");
        }
        html.append("<h3>Resolved config</h3>\n");
        if (disclosure.path("config").isNull() || disclosure.path("config").isMissingNode()) {
            html.append("<p class=\"none\">").append(esc(disclosure.path("config_note").asText())).append("</p>\n");
        }
        else {
            html.append("<details><summary>the full config as the run resolved it (defaults filled in)</summary>\n<pre>")
                    .append(esc(pretty(disclosure.get("config")))).append("</pre></details>\n");
        }
    }

    private void section(String id, String title) {
        html.append("<h2 id=\"").append(id).append("\">").append(esc(title)).append("</h2>\n");
    }

    private void figures(List<Chart> charts, String none) {
        if (charts.isEmpty()) {
            html.append("<p class=\"none\">").append(esc(none)).append("</p>\n");
            return;
        }
        for (Chart chart : charts) {
            html.append("<figure><img src=\"").append(esc(chart.file())).append("\" alt=\"").append(esc(chart.caption()))
                    .append("\" width=\"").append(ReportCharts.WIDTH).append("\" height=\"").append(ReportCharts.HEIGHT)
                    .append("\"><figcaption><b>").append(esc(chart.title())).append(".</b> ").append(esc(chart.caption()))
                    .append("</figcaption></figure>\n");
        }
    }

    private static String jsonCell(JsonNode node, String label) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return "";
        }
        return "<div><b>" + esc(label) + ":</b> " + esc(readable(node)) + "</div>";
    }

    /** {@code key value, key value}: nulls left out, numbers with 3 decimals, nested objects in braces. */
    static String readable(JsonNode node) {
        if (node.isObject()) {
            List<String> parts = new ArrayList<>();
            node.fields().forEachRemaining(field -> {
                if (!field.getValue().isNull()) {
                    JsonNode value = field.getValue();
                    parts.add(field.getKey() + " " + (value.isObject() ? "{" + readable(value) + "}" : readable(value)));
                }
            });
            return parts.isEmpty() ? "{}" : String.join(", ", parts);
        }
        if (node.isArray()) {
            List<String> parts = new ArrayList<>();
            node.forEach(element -> parts.add(element.isContainerNode() ? "{" + readable(element) + "}" : readable(element)));
            return "[" + String.join("; ", parts) + "]";
        }
        if (node.isNumber()) {
            return Numbers.format(node);
        }
        return node.asText();
    }

    private static String pretty(JsonNode node) {
        try {
            return PRETTY.writeValueAsString(node);
        }
        catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String num(JsonNode node) {
        return "<td class=\"num\">" + esc(Numbers.format(node)) + "</td>";
    }

    private static String esc(String text) {
        return Html.escape(text);
    }
}
