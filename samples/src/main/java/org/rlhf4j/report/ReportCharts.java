package org.rlhf4j.report;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.labels.StandardCategoryItemLabelGenerator;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The report's charts, drawn with JFreeChart headless and saved as PNG files beside report.html. Each method draws
 * what the run has and returns nothing for what it lacks (an arm without a policy update has no training curve).
 */
final class ReportCharts {
    static final int WIDTH = 880;
    static final int HEIGHT = 440;

    /** The metrics an algorithm logs for its (proxy) reward, its KL to the reference and its response length. */
    static final List<String> REWARD_METRICS = List.of("objective/scores", "reward", "rewards/margins");
    static final List<String> KL_METRICS = List.of("objective/kl", "kl");
    static final List<String> LENGTH_METRICS = List.of("completions/mean_length");
    /** The unit of a metric where the algorithms differ: PPO sums KL over the response, GRPO averages it per token. */
    static final java.util.Map<String, String> UNITS = java.util.Map.of("objective/kl", "nats per response", "kl",
            "nats per token");

    private static final Color[] PALETTE = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c),
        new Color(0x9467bd), new Color(0xff7f0e), new Color(0x8c564b), new Color(0xe377c2), new Color(0x17becf)};
    private static final Color SFT_COLOR = new Color(0x444444);
    private static final Font LABEL_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 13);

    static final String UPDATES_AXIS = "policy updates (optimizer steps; a PPO iteration is epochs x minibatches of them)";

    private final RunFiles run;
    private final Path directory;

    ReportCharts(RunFiles run, Path directory) {
        this.run = requireNonNull(run, "run is null");
        this.directory = requireNonNull(directory, "directory is null");
    }

    /** Final gold reward against final KL to SFT, one point per arm and SFT at KL 0. */
    Optional<Chart> frontier() throws IOException {
        XYSeriesCollection data = new XYSeriesCollection();
        List<Color> colors = new ArrayList<>();
        OptionalDouble sft = Numbers.of(run.summary().path("sft_evaluation").path("gold_reward"));
        if (sft.isPresent()) {
            XYSeries point = new XYSeries("sft");
            point.add(0.0, sft.getAsDouble());
            data.addSeries(point);
            colors.add(SFT_COLOR);
        }
        for (JsonNode arm : run.arms()) {
            OptionalDouble gold = Numbers.of(arm.path("gold_reward_final"));
            OptionalDouble kl = Numbers.of(arm.path("kl_to_reference"));
            if (gold.isPresent() && kl.isPresent() && !"none".equals(arm.path("algorithm").asText())) {
                XYSeries point = new XYSeries(uniqueKey(data, arm.path("name").asText()));
                point.add(kl.getAsDouble(), gold.getAsDouble());
                data.addSeries(point);
                colors.add(colour(arm.path("name").asText()));
            }
        }
        if (data.getSeriesCount() == 0) {
            return Optional.empty();
        }
        JFreeChart chart = ChartFactory.createScatterPlot(null, "KL to the SFT policy (nats per response, k1 estimate)",
                "gold reward on EVAL prompts (mean)", data, PlotOrientation.VERTICAL, true, false, false);
        XYPlot plot = chart.getXYPlot();
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(false, true);
        renderer.setDefaultItemLabelGenerator((dataset, series, item) -> dataset.getSeriesKey(series).toString());
        renderer.setDefaultItemLabelsVisible(true);
        renderer.setDefaultItemLabelFont(LABEL_FONT);
        for (int i = 0; i < data.getSeriesCount(); i++) {
            renderer.setSeriesShape(i, new java.awt.geom.Ellipse2D.Double(-5, -5, 10, 10));
        }
        plot.setRenderer(renderer);
        style(chart, colors);
        padRange(plot, data);
        return Optional.of(save(chart, "frontier.png", "Gold reward against KL to SFT (the frontier)",
                "Each arm's final policy: mean gold reward on the EVAL prompts (up is better) against its KL divergence from "
                        + "the SFT policy (right is further from it). SFT sits at KL 0. An arm of feedback only (no "
                        + "algorithm) keeps SFT's policy and is not drawn."));
    }

    /**
     * The policy updates one logged step stands for: a PPO iteration is {@code ppo_epochs x mini_batches} updates, a
     * DPO or GRPO step one. Read from the arm's budget ({@code policy_updates / steps}); 1 for runs written before
     * budgets were.
     */
    static double updatesPerStep(JsonNode arm) {
        OptionalDouble updates = Numbers.of(arm.path("budget").get("policy_updates"));
        OptionalDouble steps = Numbers.of(arm.get("steps"));
        return updates.isPresent() && steps.isPresent() && steps.getAsDouble() > 0 ? updates.getAsDouble() / steps.getAsDouble() : 1;
    }

    /** One metric over training, one line per arm, from metrics.jsonl, against policy updates. */
    Optional<Chart> training(String file, String title, String yLabel, List<String> candidates, String caption)
            throws IOException {
        XYSeriesCollection data = new XYSeriesCollection();
        List<Color> colors = new ArrayList<>();
        for (JsonNode arm : run.arms()) {
            String name = arm.path("name").asText();
            double updates = updatesPerStep(arm);
            for (String metric : candidates) {
                String unit = UNITS.containsKey(metric) ? ", " + UNITS.get(metric) : "";
                XYSeries series = new XYSeries(name + " (" + metric + unit + ")", true, false);
                for (JsonNode line : run.metrics()) {
                    if (name.equals(line.path("arm").asText()) && !"eval".equals(line.path("phase").asText())) {
                        OptionalDouble value = Numbers.of(line.get(metric));
                        OptionalDouble step = Numbers.of(line.get("step"));
                        if (value.isPresent() && step.isPresent()) {
                            series.addOrUpdate(step.getAsDouble() * updates, value.getAsDouble());
                        }
                    }
                }
                if (series.getItemCount() > 0) {
                    data.addSeries(series);
                    colors.add(colour(name));
                    break;
                }
            }
        }
        if (data.getSeriesCount() == 0) {
            return Optional.empty();
        }
        JFreeChart chart = ChartFactory.createXYLineChart(null, UPDATES_AXIS, yLabel, data,
                PlotOrientation.VERTICAL, true, false, false);
        XYPlot plot = chart.getXYPlot();
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
        plot.setRenderer(renderer);
        style(chart, colors);
        ((NumberAxis) plot.getRangeAxis()).setAutoRangeIncludesZero(false);
        plot.getDomainAxis().setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        return Optional.of(save(chart, file, title, caption));
    }

    /** Per arm with a gold monitor: the proxy reward it optimised and the gold reward, on two axes, over steps. */
    List<Chart> proxyVsGold() throws IOException {
        List<Chart> charts = new ArrayList<>();
        int index = 0;
        for (JsonNode arm : run.arms()) {
            String name = arm.path("name").asText();
            double updates = updatesPerStep(arm);
            XYSeries gold = new XYSeries("gold reward (left axis)", true, false);
            XYSeries proxy = new XYSeries("proxy reward (right axis)", true, false);
            for (JsonNode line : run.metrics()) {
                if (name.equals(line.path("arm").asText())) {
                    OptionalDouble step = Numbers.of(line.get("step"));
                    OptionalDouble g = Numbers.of(line.get("monitor/gold_reward"));
                    OptionalDouble p = Numbers.of(line.get("monitor/proxy_reward"));
                    if (step.isPresent() && g.isPresent()) {
                        gold.addOrUpdate(step.getAsDouble() * updates, g.getAsDouble());
                    }
                    if (step.isPresent() && p.isPresent()) {
                        proxy.addOrUpdate(step.getAsDouble() * updates, p.getAsDouble());
                    }
                }
            }
            if (gold.getItemCount() == 0) {
                continue;
            }
            JFreeChart chart = ChartFactory.createXYLineChart(null, UPDATES_AXIS,
                    "gold reward (mean on monitor prompts)", new XYSeriesCollection(gold), PlotOrientation.VERTICAL, true,
                    false, false);
            XYPlot plot = chart.getXYPlot();
            XYLineAndShapeRenderer goldRenderer = new XYLineAndShapeRenderer(true, true);
            goldRenderer.setSeriesPaint(0, new Color(0x222222));
            goldRenderer.setSeriesStroke(0, new BasicStroke(2.5f));
            plot.setRenderer(0, goldRenderer);
            ((NumberAxis) plot.getRangeAxis()).setAutoRangeIncludesZero(false);
            if (proxy.getItemCount() > 0) {
                NumberAxis proxyAxis = new NumberAxis("proxy reward (what " + name + " optimised)");
                proxyAxis.setAutoRangeIncludesZero(false);
                plot.setRangeAxis(1, proxyAxis);
                plot.setDataset(1, new XYSeriesCollection(proxy));
                plot.mapDatasetToRangeAxis(1, 1);
                XYLineAndShapeRenderer proxyRenderer = new XYLineAndShapeRenderer(true, true);
                proxyRenderer.setSeriesPaint(0, new Color(0xff7f0e));
                proxyRenderer.setSeriesShape(0, new java.awt.Rectangle(-4, -4, 8, 8));
                proxyRenderer.setSeriesStroke(0, new BasicStroke(2.5f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND, 1f,
                        new float[] {8f, 5f}, 0f));
                plot.setRenderer(1, proxyRenderer);
                plot.setDatasetRenderingOrder(org.jfree.chart.plot.DatasetRenderingOrder.FORWARD);
            }
            style(chart, List.of());
            plot.getDomainAxis().setStandardTickUnits(NumberAxis.createIntegerTickUnits());
            charts.add(save(chart, "proxy-vs-gold-" + index + "-" + fileSafe(name) + ".png",
                    "Proxy vs gold reward: " + name,
                    "Arm " + name + ": the reward its algorithm optimised (proxy, dashed, right axis) and the gold reward "
                            + "(solid, left axis) of its policy at the gold monitor's steps; each axis is scaled to its own "
                            + "values. A proxy that keeps rising while gold falls is over-optimisation (reward hacking)."));
            index++;
        }
        return charts;
    }

    /** Reward-model, cost-model, preference (annotator or judge) and discriminator accuracy against gold, per arm. */
    Optional<Chart> accuracy() throws IOException {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        for (JsonNode arm : run.arms()) {
            String name = arm.path("name").asText();
            for (Measure measure : Measure.of(arm, run)) {
                data.addValue(measure.value(), measure.label(), name);
            }
        }
        if (data.getColumnCount() == 0) {
            return Optional.empty();
        }
        JFreeChart chart = ChartFactory.createBarChart(null, "arm", "accuracy (fraction; 0.5 = chance)", data,
                PlotOrientation.VERTICAL, true, false, false);
        CategoryPlot plot = chart.getCategoryPlot();
        plot.getRangeAxis().setRange(0.0, 1.08);
        BarRenderer renderer = (BarRenderer) plot.getRenderer();
        renderer.setBarPainter(new StandardBarPainter());
        renderer.setShadowVisible(false);
        renderer.setItemMargin(0.04);
        renderer.setMaximumBarWidth(0.1);
        renderer.setDefaultItemLabelGenerator(new StandardCategoryItemLabelGenerator("{2}",
                new java.text.DecimalFormat("0.00")));
        renderer.setDefaultItemLabelsVisible(true);
        renderer.setDefaultItemLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        for (int i = 0; i < data.getRowCount(); i++) {
            renderer.setSeriesPaint(i, PALETTE[i % PALETTE.length]);
        }
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(new Color(0xdddddd));
        chart.setBackgroundPaint(Color.WHITE);
        chart.getLegend().setItemFont(LABEL_FONT);
        plot.getDomainAxis().setLabelFont(LABEL_FONT);
        plot.getRangeAxis().setLabelFont(LABEL_FONT);
        return Optional.of(save(chart, "accuracy.png", "Reward-model, cost-model, judge and discriminator accuracy",
                "Against the gold scorer: how often each arm's preference labels (annotators or judge) agreed with gold, "
                        + "its reward model's and cost model's accuracy on held-out pairs, and the discriminator's accuracy "
                        + "where the arm has one. Missing bars: the arm has no such component of its own (an arm that reuses "
                        + "another arm's preferences or models is measured under that arm)."));
    }

    /** One accuracy an arm reports, with the label of its bar. */
    record Measure(String label, double value, String source) {
        static List<Measure> of(JsonNode arm, RunFiles run) {
            List<Measure> measures = new ArrayList<>();
            add(measures, "preference labels vs gold", arm.path("preferences").path("gold_agreement"),
                    "summary.json arms[].preferences.gold_agreement");
            add(measures, "judge vs gold", arm.path("feedback_metrics").path("judge/gold_agreement"),
                    "summary.json arms[].feedback_metrics.judge/gold_agreement");
            add(measures, "reward model (held-out, gold)", arm.path("reward_model").path("heldout_accuracy_gold"),
                    "summary.json arms[].reward_model.heldout_accuracy_gold");
            add(measures, "cost model safety (held-out, gold)", arm.path("cost_model").path("heldout_safety_accuracy_gold"),
                    "summary.json arms[].cost_model.heldout_safety_accuracy_gold");
            JsonNode discriminator = arm.path("feedback_metrics").path("discriminator/accuracy");
            String source = "summary.json arms[].feedback_metrics.discriminator/accuracy";
            if (Numbers.of(discriminator).isEmpty()) {
                String name = arm.path("name").asText();
                for (JsonNode line : run.metrics()) {
                    if (name.equals(line.path("arm").asText()) && Numbers.of(line.get("discriminator/accuracy")).isPresent()) {
                        discriminator = line.get("discriminator/accuracy");
                        source = "metrics.jsonl discriminator/accuracy (the arm's last line)";
                    }
                }
            }
            add(measures, "discriminator (real vs generated)", discriminator, source);
            return measures;
        }

        private static void add(List<Measure> measures, String label, JsonNode node, String source) {
            Numbers.of(node).ifPresent(value -> measures.add(new Measure(label, value, source)));
        }
    }

    private static String uniqueKey(XYSeriesCollection data, String name) {
        String key = name;
        for (int i = 2; data.getSeriesIndex(key) >= 0; i++) {
            key = name + " (" + i + ")";
        }
        return key;
    }

    static String fileSafe(String name) {
        String safe = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_-]+", "-");
        return safe.isEmpty() ? "arm" : safe;
    }

    /** An arm's colour, the same in every chart: by its place in the summary's arms. */
    private Color colour(String arm) {
        List<JsonNode> arms = run.arms();
        for (int i = 0; i < arms.size(); i++) {
            if (arm.equals(arms.get(i).path("name").asText())) {
                return PALETTE[i % PALETTE.length];
            }
        }
        return SFT_COLOR;
    }

    private static void style(JFreeChart chart, List<Color> colors) {
        chart.setBackgroundPaint(Color.WHITE);
        chart.setAntiAlias(true);
        XYPlot plot = chart.getXYPlot();
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(new Color(0xdddddd));
        plot.setRangeGridlinePaint(new Color(0xdddddd));
        for (int i = 0; i < plot.getRangeAxisCount(); i++) {
            if (plot.getRangeAxis(i) != null) {
                plot.getRangeAxis(i).setLabelFont(LABEL_FONT);
            }
        }
        plot.getDomainAxis().setLabelFont(LABEL_FONT);
        if (plot.getDomainAxis() instanceof NumberAxis axis) {
            axis.setAutoRangeIncludesZero(false);
        }
        if (chart.getLegend() != null) {
            chart.getLegend().setItemFont(LABEL_FONT);
        }
        if (plot.getRenderer() instanceof XYLineAndShapeRenderer renderer) {
            for (int i = 0; i < colors.size(); i++) {
                renderer.setSeriesPaint(i, colors.get(i));
                renderer.setSeriesStroke(i, new BasicStroke(2f));
            }
        }
    }

    /** Axes with room around the points (KL 0 included) so that no marker or label is cut at the plot's edge. */
    private static void padRange(XYPlot plot, XYSeriesCollection data) {
        double minX = 0;
        double maxX = 0;
        double minY = Double.POSITIVE_INFINITY;
        double maxY = Double.NEGATIVE_INFINITY;
        for (int s = 0; s < data.getSeriesCount(); s++) {
            for (int i = 0; i < data.getItemCount(s); i++) {
                minX = Math.min(minX, data.getXValue(s, i));
                maxX = Math.max(maxX, data.getXValue(s, i));
                minY = Math.min(minY, data.getYValue(s, i));
                maxY = Math.max(maxY, data.getYValue(s, i));
            }
        }
        double padX = Math.max((maxX - minX) * 0.08, 0.02);
        double padY = Math.max((maxY - minY) * 0.1, 0.02);
        plot.getDomainAxis().setRange(minX - padX, maxX + padX);
        plot.getRangeAxis().setRange(minY - padY, maxY + 1.5 * padY);
    }

    private Chart save(JFreeChart chart, String file, String title, String caption) throws IOException {
        ChartUtils.saveChartAsPNG(directory.resolve(file).toFile(), chart, WIDTH, HEIGHT);
        return new Chart(file, title, caption);
    }
}
