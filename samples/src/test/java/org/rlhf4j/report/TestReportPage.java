package org.rlhf4j.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** report.html from hand-written run files: every text from the run escaped, absent parts said, numbers formatted. */
class TestReportPage {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SCRIPT = "<script>alert('x')</script>";

    @Test
    void everyTextFromTheRunIsEscapedAndMissingPartsAreSaid() throws IOException {
        JsonNode summary = JSON.readTree("""
                {"name": "n<kbd>", "kind": "task", "task": "reviews", "seed": 3, "status": "complete", "wall_seconds": 1.5,
                 "sft_evaluation": {"gold_reward": 0.1, "gold_cost": 0.0, "kl_to_reference": 0.0, "win_rate_vs_sft": 0.5},
                 "arms": [{"name": "a\\"<u>", "feedback": "f&g", "algorithm": "dpo", "gold_reward_final": 0.25,
                           "gold_cost_final": "NaN", "kl_to_reference": 1.0, "win_rate_vs_sft": 0.75, "steps": 7,
                           "wall_seconds": 2.0, "preferences": {"pairs": 8, "gold_agreement": 0.625}}],
                 "warnings": ["<img src=x onerror=alert(1)>"]}
                """);
        List<JsonNode> samples = List.of(
                JSON.readTree("{\"arm\": \"sft\", \"prompt\": \"p<\", \"response\": \"" + SCRIPT + "\", \"gold_reward\": 0.1, \"gold_cost\": 0}"),
                JSON.readTree("{\"arm\": \"a\\\"<u>\", \"prompt\": \"p<\", \"response\": \"ok & fine\", \"gold_reward\": 0.3, \"gold_cost\": 0}"));
        RunFiles run = new RunFiles(Path.of("run"), summary, List.of(), samples, List.of(), Optional.empty());
        Software software = new Software("9.9.9", "17 <x>", "CpuBackend", "Linux");
        String html = new ReportPage(run, DisclosureCard.of(run, software)).render(Optional.empty(), List.of(), List.of(),
                Optional.empty());

        assertFalse(html.contains(SCRIPT) || html.contains("<img") || html.contains("<u>") || html.contains("<kbd>"), html);
        assertTrue(html.contains("<td class=\"response\">&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;</td>"), html);
        assertTrue(html.contains("<title>rlhf4j report: n&lt;kbd&gt;</title>"));
        assertTrue(html.contains("<li>&lt;img src=x onerror=alert(1)&gt;</li>"));
        assertTrue(html.contains("<tr><td>a&quot;&lt;u&gt;</td><td>f&amp;g</td><td>dpo</td><td class=\"num\">0.250</td>"
                + "<td class=\"num\">\u2013</td><td class=\"num\">1.000</td><td class=\"num\">0.750</td><td class=\"num\">7</td>"), html);
        assertTrue(html.contains("<td class=\"response\">ok &amp; fine</td>"));
        assertTrue(html.contains("Java 17 &lt;x&gt;"));
        assertTrue(html.contains("no arm ran a gold monitor"));
        assertTrue(html.contains("the run kept no checkpoint, so its resolved config is not in the run directory"));
        assertTrue(html.contains("<b>labels:</b> pairs 8, gold_agreement 0.625"), html);
    }

    @Test
    void numbersAreReadFromTheSummarysNumbersAndNaNStrings() throws IOException {
        assertEquals("0.125", Numbers.format(JSON.readTree("0.125")));
        assertEquals("12", Numbers.format(JSON.readTree("12")));
        assertEquals("\u2013", Numbers.format(JSON.readTree("\"NaN\"")));
        assertEquals("\u2013", Numbers.format(JSON.readTree("null")));
        assertEquals(0.5, Numbers.of(JSON.readTree("\"0.5\"")).getAsDouble());
        assertEquals("a 1, b {c x}, d [1; {e 2.500}]", ReportPage.readable(JSON.readTree(
                "{\"a\": 1, \"b\": {\"c\": \"x\"}, \"d\": [1, {\"e\": 2.5}], \"f\": null}")));
    }
}
