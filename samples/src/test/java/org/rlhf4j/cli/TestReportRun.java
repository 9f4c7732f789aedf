package org.rlhf4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;

/**
 * {@code rlhf run} of a shrunken task experiment (PPO with a gold monitor and PPO-Lagrangian with a cost model) writes
 * report.html, its PNG charts and disclosure.json; {@code rlhf report RUN_DIR} writes the same files again from the
 * run directory alone; chromium (Debian's, driven by Selenium through Debian's chromedriver, nothing downloaded) shows
 * every chart, nothing overflows, and a response holding a script shows as text. The screenshot is left in
 * {@code target/report-screenshot.png} to look at.
 */
class TestReportRun {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final List<String> SECTIONS = List.of("warnings", "results", "frontier", "training", "over-optimisation",
            "accuracy", "samples", "disclosure");
    static final List<String> CHARTS = List.of("frontier.png", "training-reward.png", "training-kl.png",
            "training-length.png", "proxy-vs-gold-0-rlhf.png", "accuracy.png");

    @TempDir
    static Path directory;
    static Path run;
    static CliResult result;

    @BeforeAll
    static void runTheTinyExperiment() throws IOException {
        Path config = directory.resolve("tiny-ppo.yaml");
        Files.writeString(config, ArmsConfigs.tinyPpo(4));
        run = directory.resolve("run");
        result = CliResult.run("run", config.toString(), "--out", run.toString());
        assertEquals(0, result.exitCode(), result.toString());
    }

    @Test
    void theRunWritesReportHtmlItsChartsAndTheDisclosureCard() throws IOException {
        assertTrue(result.out().contains("report: " + run.resolve("report.html") + " (6 charts)"), result.out());
        JsonNode summary = JSON.readTree(run.resolve("summary.json").toFile());
        String html = Files.readString(run.resolve("report.html"));

        // every section, every chart as an <img> of a file beside the page, nothing fetched from elsewhere
        for (String id : SECTIONS) {
            assertTrue(html.contains("<h2 id=\"" + id + "\">"), "section " + id + " missing");
        }
        List<String> sources = new ArrayList<>();
        Matcher img = Pattern.compile("<img src=\"([^\"]+)\"").matcher(html);
        while (img.find()) {
            sources.add(img.group(1));
        }
        assertEquals(CHARTS, sources);
        assertFalse(html.contains("http://") || html.contains("https://") || html.contains("<script")
                || html.contains("<link") || html.contains("@import"), "report.html is self-contained");

        // the final metrics table: SFT and each arm with the summary's numbers
        assertTrue(html.contains(String.format(Locale.ROOT, "<tr><td>sft</td><td>\u2013</td><td>sft</td><td class=\"num\">%.3f</td>",
                summary.get("sft_evaluation").get("gold_reward").asDouble())), html);
        for (JsonNode arm : summary.get("arms")) {
            String row = String.format(Locale.ROOT, "<tr><td>%s</td><td>simulated-annotators</td><td>%s</td>"
                    + "<td class=\"num\">%.3f</td><td class=\"num\">%.3f</td><td class=\"num\">%.3f</td><td class=\"num\">%.3f</td>"
                    + "<td class=\"num\">16</td>", arm.get("name").asText(), arm.get("algorithm").asText(),
                    arm.get("gold_reward_final").asDouble(), arm.get("gold_cost_final").asDouble(),
                    arm.get("kl_to_reference").asDouble(), arm.get("win_rate_vs_sft").asDouble());
            assertTrue(html.contains(row), row + " missing");
        }
        // SFT's first response to the first prompt, next to each arm's for the same prompt
        JsonNode firstSample = Files.readAllLines(run.resolve("samples.jsonl")).stream().map(TestReportRun::json)
                .filter(line -> line.get("arm").asText().equals("sft")).findFirst().orElseThrow();
        assertTrue(html.contains("Prompt: <span class=\"response\">" + firstSample.get("prompt").asText() + "</span>"), html);
        assertTrue(html.contains("<tr><td>sft</td><td class=\"response\">" + firstSample.get("response").asText() + "</td>"));
        for (JsonNode warning : summary.get("warnings")) {
            assertTrue(html.contains(warning.asText().replace("'", "&#39;")), warning + " missing");
        }

        // every chart decodes, has the report's size and is drawn, not blank
        for (String chart : CHARTS) {
            BufferedImage image = ImageIO.read(run.resolve(chart).toFile());
            assertEquals(880, image.getWidth(), chart);
            assertEquals(440, image.getHeight(), chart);
            Set<Integer> colours = new HashSet<>();
            int drawn = 0;
            for (int y = 0; y < image.getHeight(); y++) {
                for (int x = 0; x < image.getWidth(); x++) {
                    int rgb = image.getRGB(x, y) & 0xffffff;
                    colours.add(rgb);
                    drawn += rgb == 0xffffff ? 0 : 1;
                }
            }
            assertTrue(colours.size() > 20, chart + ": " + colours.size() + " colours");
            assertTrue(drawn > image.getWidth() * image.getHeight() / 100, chart + ": " + drawn + " drawn pixels");
        }

        // disclosure.json: the sources with their settings and gold audit, the models, budgets, config, seeds, versions
        JsonNode card = JSON.readTree(run.resolve("disclosure.json").toFile());
        assertEquals("rlhf4j-disclosure", card.get("format").asText());
        assertEquals("tiny-ppo", card.get("run").get("name").asText());
        assertEquals(11, card.get("run").get("seed").asInt());
        assertEquals("complete", card.get("run").get("status").asText());
        JsonNode rlhf = card.get("preference_sources").get(0);
        assertEquals("rlhf", rlhf.get("arm").asText());
        assertEquals("simulated-annotators", rlhf.get("feedback").asText());
        assertEquals(0.25, rlhf.get("feedback_settings").get("temperature").asDouble());
        assertEquals("task", rlhf.get("feedback_settings").get("scorer").asText());
        assertEquals(24, rlhf.get("preference_settings").get("pairs").asInt());
        assertEquals(summary.get("arms").get(0).get("preferences"), rlhf.get("gold_audit"));
        JsonNode safe = card.get("preference_sources").get(1);
        assertEquals("rlhf", safe.get("preferences_from").asText());
        assertFalse(safe.has("preference_settings"), "an arm that reuses preferences shows the other arm's settings only");
        assertEquals(summary.get("arms").get(0).get("reward_model"), card.get("models").get(0).get("reward_model"));
        assertEquals("rlhf", card.get("models").get(1).get("reward_model_from").asText());
        assertEquals(summary.get("arms").get(1).get("cost_model"), card.get("models").get(1).get("cost_model"));
        assertEquals(24, card.get("budgets").get(1).get("preference_pairs").asInt());
        assertEquals(16, card.get("budgets").get(1).get("policy_updates").asInt()); // 4 iterations x 2 epochs x 2 minibatches
        assertEquals(16, card.get("budgets").get(1).get("rollouts").asInt()); // 4 iterations x 4 rollouts
        assertEquals("seed", card.get("seeds").get(0).get("path").asText());
        assertEquals(11, card.get("seeds").get(0).get("value").asInt());
        assertEquals("tiny-ppo", card.get("config").get("name").asText());
        assertEquals("ppo-lagrangian", card.get("config").get("arms").get(1).get("algorithm").get("type").asText());
        assertEquals(-1.0, card.get("config").get("arms").get(1).get("algorithm").get("cost_threshold").asDouble());
        assertTrue(card.get("software").get("rlhf4j").asText().matches("\\d+\\.\\d+\\.\\d+(-SNAPSHOT)?"), card.toString());
        assertTrue(card.get("software").get("java").asText().startsWith(System.getProperty("java.version")));
        assertEquals("CpuBackend", card.get("software").get("nd4j_backend").asText());
        assertEquals(summary.get("warnings"), card.get("warnings"));

        // rlhf report rebuilds the same files from the run directory alone
        Path again = directory.resolve("again");
        copy(run, again);
        for (String file : Stream.concat(Stream.of("report.html", "disclosure.json"), CHARTS.stream()).toList()) {
            Files.delete(again.resolve(file));
        }
        CliResult report = CliResult.run("report", again.toString());
        assertEquals(0, report.exitCode(), report.toString());
        assertEquals(html, Files.readString(again.resolve("report.html")));
        assertEquals(card, JSON.readTree(again.resolve("disclosure.json").toFile()));
        for (String chart : CHARTS) {
            assertTrue(Files.size(again.resolve(chart)) > 1000, chart);
        }
    }

    @Test
    void aDirectoryWithoutARunIsAUsageError() throws IOException {
        Path empty = Files.createDirectories(directory.resolve("empty"));
        CliResult report = CliResult.run("report", empty.toString());
        assertEquals(2, report.exitCode(), report.toString());
        assertTrue(report.err().contains("holds no summary.json"), report.err());
    }

    static final String HOSTILE = "<script>window.pwned = true;</script><img src=x onerror=\"window.pwned = true\"> & \u00e9t\u00e9";

    @Test
    void inChromiumEveryChartLoadsNothingOverflowsAndAScriptInAResponseStaysText() throws IOException {
        Path hostile = directory.resolve("hostile");
        copy(run, hostile);
        String samples = Files.readString(hostile.resolve("samples.jsonl"));
        String prompt = "tell me </td></table><b>bold</b>";
        Files.writeString(hostile.resolve("samples.jsonl"), line("sft", prompt, HOSTILE) + line("rlhf", prompt, "a plain answer")
                + samples);
        assertEquals(0, CliResult.run("report", hostile.toString()).exitCode());

        try (ReportBrowser browser = new ReportBrowser(hostile.resolve("report.html"), directory.resolve("profile"))) {
            assertEquals(Boolean.FALSE, browser.js().executeScript("return window.pwned === true"), "a response's script ran");
            assertEquals(HOSTILE, browser.driver().findElement(By.cssSelector("#samples ~ div td.response")).getText());
            assertEquals("rlhf4j report: tiny-ppo", browser.driver().getTitle());
            browser.assertChartsLoaded(CHARTS.size());
            browser.assertNothingOverflows();
            assertTrue(browser.screenshot(Path.of("target", "report-screenshot.png")) > 2000, "the screenshot shows the whole page");
        }
    }

    private static String line(String arm, String prompt, String response) throws IOException {
        return JSON.writeValueAsString(java.util.Map.of("arm", arm, "prompt", prompt, "sample_index", 0, "response", response,
                "gold_reward", 0.5, "gold_cost", 0.0)) + "\n";
    }

    static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                }
                else {
                    Files.copy(file, target);
                }
            }
        }
    }

    private static JsonNode json(String line) {
        try {
            return JSON.readTree(line);
        }
        catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
