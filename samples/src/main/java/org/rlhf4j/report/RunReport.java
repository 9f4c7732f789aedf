package org.rlhf4j.report;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.rlhf4j.api.io.DurableFiles;

/**
 * Writes a task experiment's report into its run directory, from that directory's files alone (so it can be rebuilt
 * for any finished run): {@code report.html}, its PNG charts and {@code disclosure.json}. Charts are drawn headless
 * ({@code java.awt.headless=true}).
 */
public final class RunReport {
    /** The report page's file name. */
    public static final String HTML = "report.html";
    /** The disclosure card's file name. */
    public static final String DISCLOSURE = "disclosure.json";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private RunReport() {}

    /**
     * What was written.
     *
     * @param html report.html
     * @param disclosure disclosure.json
     * @param charts the PNG charts, in page order
     */
    public record Written(Path html, Path disclosure, List<Path> charts) {
        public Written {
            requireNonNull(html, "html is null");
            requireNonNull(disclosure, "disclosure is null");
            charts = List.copyOf(charts);
        }
    }

    /**
     * Writes the report of the run in {@code directory}.
     *
     * @param software what wrote it (see {@link Software#current})
     * @throws ReportException when the directory holds no task experiment's summary or a file cannot be read
     * @throws UncheckedIOException when the report cannot be written
     */
    public static Written write(Path directory, Software software) {
        requireNonNull(directory, "directory is null");
        requireNonNull(software, "software is null");
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
        RunFiles run = RunFiles.read(directory);
        try {
            ReportCharts draw = new ReportCharts(run, directory);
            Optional<Chart> frontier = draw.frontier();
            List<Chart> training = new ArrayList<>();
            draw.training("training-reward.png", "Reward over training", "reward the algorithm optimised (proxy)",
                    ReportCharts.REWARD_METRICS, "The reward each arm's algorithm saw at each policy update: a reward "
                            + "model's or judge's score, not gold (see the proxy-vs-gold charts for gold).")
                    .ifPresent(training::add);
            draw.training("training-kl.png", "KL to the SFT policy over training", "KL to SFT (nats; unit per legend)",
                    ReportCharts.KL_METRICS, "How far each arm's policy moved from SFT while training, as its algorithm "
                            + "measures it. Mind the units in the legend: PPO logs KL per response, GRPO per token (times "
                            + "the mean response length for per response); the final KL of every arm, "
                            + "per response, is in the table above and on the frontier.").ifPresent(training::add);
            draw.training("training-length.png", "Response length over training", "mean response length (tokens)",
                    ReportCharts.LENGTH_METRICS, "Mean length of the sampled responses at each policy update: a steady rise "
                            + "with flat gold reward is length drift.").ifPresent(training::add);
            List<Chart> proxyVsGold = draw.proxyVsGold();
            Optional<Chart> accuracy = draw.accuracy();

            ObjectNode disclosure = DisclosureCard.of(run, software);
            Path disclosureFile = directory.resolve(DISCLOSURE);
            DurableFiles.write(disclosureFile, JSON.writeValueAsString(disclosure) + "\n");
            String page = new ReportPage(run, disclosure).render(frontier, training, proxyVsGold, accuracy);
            Path htmlFile = directory.resolve(HTML);
            DurableFiles.write(htmlFile, page);

            List<Path> charts = new ArrayList<>();
            frontier.ifPresent(c -> charts.add(directory.resolve(c.file())));
            training.forEach(c -> charts.add(directory.resolve(c.file())));
            proxyVsGold.forEach(c -> charts.add(directory.resolve(c.file())));
            accuracy.ifPresent(c -> charts.add(directory.resolve(c.file())));
            return new Written(htmlFile, disclosureFile, charts);
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot write the report into " + directory + ": " + e.getMessage(), e);
        }
    }
}
