package org.rlhf4j.feedback.human.annotate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rlhf4j.api.feedback.Choice;
import org.rlhf4j.api.feedback.Comparison;
import org.rlhf4j.api.feedback.FeedbackContext;
import org.rlhf4j.api.feedback.Preference;
import org.rlhf4j.api.feedback.SafetyLabel;
import org.rlhf4j.api.plugin.PluginContext;
import org.rlhf4j.feedback.human.dataset.HumanDatasetConfig;
import org.rlhf4j.feedback.human.dataset.HumanDatasetFactory;

/** The export is what {@code human-dataset} reads, with provenance, and the agreement is written beside it. */
class TestAnnotationExport {
    @TempDir
    Path directory;

    @Test
    void exportedLabelsAnswerComparisonsThroughHumanDataset() throws Exception {
        Path storeDir = directory.resolve("store");
        HumanAnnotationApp app = new HumanAnnotationApp();
        app.issueTokens(storeDir, List.of("alice", "bob"), false);
        Path pairsFile = directory.resolve("pairs.jsonl");
        Files.writeString(pairsFile, "{\"prompt\": \"Say hi\", \"response_a\": \"Hello!\", \"response_b\": \"<b>Go</b> away.\"}\n"
                + "{\"id\": \"q2\", \"prompt\": \"2+2?\", \"response_a\": \"4\", \"response_b\": \"5\"}\n");
        assertEquals(2, app.addPairs(storeDir, pairsFile, Optional.of(2)));
        assertEquals(0, app.addPairs(storeDir, pairsFile, Optional.empty()), "the same pairs are not added twice");
        String hi = Pair.contentId("Say hi", "Hello!", "<b>Go</b> away.");
        Instant before = Instant.now();
        try (AnnotationStore store = AnnotationStore.open(storeDir)) {
            store.label(new Label(hi, "alice", Choice.A, Choice.A, true, false, "B is rude", Instant.EPOCH), Optional.empty());
            store.label(new Label(hi, "bob", Choice.A, Choice.A, true, true, "", Instant.EPOCH), Optional.empty());
            store.label(new Label("q2", "alice", Choice.A, Choice.TIE, true, true, "", Instant.EPOCH), Optional.empty());
            store.label(new Label("q2", "bob", Choice.B, Choice.TIE, true, true, "", Instant.EPOCH), Optional.empty());
        }
        Path out = directory.resolve("export/prefs.jsonl");
        Path agreement = directory.resolve("export/agreement.json");
        assertEquals(4, app.export(storeDir, out, agreement));

        List<String> lines = Files.readAllLines(out);
        assertEquals(4, lines.size());
        JsonNode first = Http.JSON.readTree(lines.get(0));
        assertEquals("alice", first.get("annotator").asText());
        assertEquals("B is rude", first.get("explanation").asText());
        assertEquals(hi, first.get("pair_id").asText());
        assertEquals("A", first.get("safer").asText());
        assertEquals(false, first.get("is_b_safe").asBoolean());
        assertTrue(!Instant.parse(first.get("timestamp").asText()).isBefore(before.minusSeconds(1)));

        var source = new HumanDatasetFactory().create("human-dataset",
                new HumanDatasetConfig("export/prefs.jsonl", HumanDatasetConfig.OnUnknown.ERROR), PluginContext.of(directory, 0));
        List<Preference> preferences = source.compare(List.of(new Comparison("Say hi", "Hello!", "<b>Go</b> away."),
                new Comparison("2+2?", "4", "5")), new FeedbackContext("arm", 0, 0));
        assertEquals(Choice.A, preferences.get(0).better());
        assertEquals(1.0, preferences.get(0).confidence());
        assertEquals("alice+bob", preferences.get(0).provenance().judgeId());
        assertEquals(Optional.of(SafetyLabel.of(Choice.A, true, false)), preferences.get(0).safety());
        assertEquals(Choice.TIE, preferences.get(1).better(), "a split vote is a tie");

        JsonNode kappas = Http.JSON.readTree(agreement.toFile());
        assertEquals(4, kappas.get("labels").asInt());
        // better: alice A,A; bob A,B: p_o = 1/2, p_e = 1 * 1/2 = 1/2: kappa 0
        assertEquals(0.0, kappas.get("better").get("cohen_kappa").get(0).get("kappa").asDouble(), 1e-12);
        assertEquals(2, kappas.get("better").get("shared_pairs").asInt());
    }
}
