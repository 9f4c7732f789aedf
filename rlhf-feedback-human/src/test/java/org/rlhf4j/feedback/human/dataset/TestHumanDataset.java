package org.rlhf4j.feedback.human.dataset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
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
import org.rlhf4j.api.feedback.FeedbackException;
import org.rlhf4j.api.feedback.FeedbackSource;
import org.rlhf4j.api.feedback.Preference;
import org.rlhf4j.api.feedback.SafetyLabel;
import org.rlhf4j.api.io.DataFormatException;
import org.rlhf4j.api.plugin.PluginContext;

class TestHumanDataset {
    private static final FeedbackContext CONTEXT = new FeedbackContext("arm", 0, 0);

    @TempDir
    Path directory;

    private Path write(String... lines) throws IOException {
        Path file = directory.resolve("prefs.jsonl");
        Files.writeString(file, String.join("\n", lines) + "\n");
        return file;
    }

    private FeedbackSource source(HumanDatasetConfig.OnUnknown onUnknown) {
        return new HumanDatasetFactory().create("human-dataset", new HumanDatasetConfig("prefs.jsonl", onUnknown),
                PluginContext.of(directory, 0));
    }

    @Test
    void readsAllThreeLayouts() throws IOException {
        write("{\"prompt\": \"p1\", \"chosen\": \"good\", \"rejected\": \"bad\"}",
                "{\"prompt\": \"p2\", \"response_a\": \"x\", \"response_b\": \"y\", \"preference\": \"B\", \"annotator\": \"ann-7\", "
                        + "\"timestamp\": \"2024-05-01T12:00:00Z\"}",
                "{\"prompt\": \"p3\", \"response_0\": \"kind\", \"response_1\": \"rude\", \"better_response_id\": 1, "
                        + "\"safer_response_id\": 0, \"is_response_0_safe\": true, \"is_response_1_safe\": false}");
        FeedbackSource source = source(HumanDatasetConfig.OnUnknown.ERROR);
        List<Preference> preferences = source.compare(List.of(
                new Comparison("p1", "good", "bad"),
                new Comparison("p2", "x", "y"),
                new Comparison("p3", "kind", "rude")), CONTEXT);
        assertEquals(Choice.A, preferences.get(0).better());
        assertEquals("dataset:prefs.jsonl", preferences.get(0).provenance().judgeId());
        assertEquals(Choice.B, preferences.get(1).better());
        assertEquals("ann-7", preferences.get(1).provenance().judgeId());
        assertEquals(Instant.parse("2024-05-01T12:00:00Z"), preferences.get(1).provenance().timestamp());
        assertEquals("human-dataset", preferences.get(1).provenance().sourceType());
        assertEquals(Choice.B, preferences.get(2).better());
        assertEquals(Optional.of(SafetyLabel.of(Choice.A, true, false)), preferences.get(2).safety());
        assertTrue(source.judgesSafety());
    }

    @Test
    void answersSwappedComparisonsWithSwappedLabels() throws IOException {
        write("{\"prompt\": \"p3\", \"response_0\": \"kind\", \"response_1\": \"rude\", \"better_response_id\": 1, "
                + "\"safer_response_id\": 0, \"is_response_0_safe\": true, \"is_response_1_safe\": false}");
        Preference swapped = source(HumanDatasetConfig.OnUnknown.ERROR)
                .compare(List.of(new Comparison("p3", "rude", "kind")), CONTEXT).get(0);
        assertEquals(Choice.A, swapped.better());
        assertEquals(new Comparison("p3", "rude", "kind"), swapped.comparison());
        assertEquals(Optional.of(SafetyLabel.of(Choice.B, false, true)), swapped.safety());
    }

    @Test
    void severalLabelsAreAggregatedByMajority() throws IOException {
        String base = "{\"prompt\": \"p\", \"response_a\": \"x\", \"response_b\": \"y\", \"preference\": \"%s\", \"annotator\": \"%s\"}";
        write(base.formatted("A", "a1"), base.formatted("A", "a2"), base.formatted("B", "a3"),
                "{\"prompt\": \"q\", \"chosen\": \"x\", \"rejected\": \"y\", \"annotator\": \"b1\"}",
                "{\"prompt\": \"q\", \"chosen\": \"y\", \"rejected\": \"x\", \"annotator\": \"b2\"}");
        List<Preference> preferences = source(HumanDatasetConfig.OnUnknown.ERROR)
                .compare(List.of(new Comparison("p", "x", "y"), new Comparison("q", "x", "y")), CONTEXT);
        assertEquals(Choice.A, preferences.get(0).better());
        assertEquals(2.0 / 3.0, preferences.get(0).confidence(), 1e-12);
        assertEquals("a1+a2+a3", preferences.get(0).provenance().judgeId());
        // "q": b1 labelled (x, y) A; b2 labelled (y, x) A, stored separately: the direct match wins
        assertEquals(Choice.A, preferences.get(1).better());
        assertEquals("b1", preferences.get(1).provenance().judgeId());
    }

    @Test
    void unknownComparisonsAreReportedOrTied() throws IOException {
        write("{\"prompt\": \"p1\", \"chosen\": \"good\", \"rejected\": \"bad\"}");
        Comparison unknown = new Comparison("never seen", "a", "b");
        FeedbackException e = assertThrows(FeedbackException.class,
                () -> source(HumanDatasetConfig.OnUnknown.ERROR).compare(List.of(unknown), CONTEXT));
        assertTrue(e.getMessage().contains("comparison not in dataset") && e.getMessage().contains("'never seen'"), e.getMessage());
        Preference tie = source(HumanDatasetConfig.OnUnknown.TIE).compare(List.of(unknown), CONTEXT).get(0);
        assertEquals(Choice.TIE, tie.better());
        assertEquals(0.0, tie.confidence());
    }

    @Test
    void aMissingDialogueIsShownWhereItsResponsesDiffer() throws IOException {
        String dialogue = "\\n\\nHuman: What should I cook tonight for four people?\\n\\nAssistant: ";
        write("{\"prompt\": \"\", \"chosen\": \"" + dialogue + "A risotto.\", \"rejected\": \"" + dialogue + "Nothing.\"}");
        String shared = dialogue.replace("\\n", "\n");
        Comparison unknown = new Comparison("", shared + "A risotto!", shared + "Nothing.");
        FeedbackException e = assertThrows(FeedbackException.class,
                () -> source(HumanDatasetConfig.OnUnknown.ERROR).compare(List.of(unknown), CONTEXT));
        assertTrue(e.getMessage().contains("prompt '' (1 row(s) have this prompt, none these responses), "
                + "response A '...people?\\n\\nAssistant: A risotto!', response B '...people?\\n\\nAssistant: Nothing.' "
                + "(both shown from character 45: they share their first 65)"), e.getMessage());
        assertTrue(e.getMessage().contains("must match a row's prompt and both responses exactly"), e.getMessage());
    }

    @Test
    void badRecordsNameFileAndLine() throws IOException {
        Path file = write("{\"prompt\": \"p1\", \"chosen\": \"good\", \"rejected\": \"bad\"}",
                "{\"prompt\": \"p2\", \"response_a\": \"x\", \"response_b\": \"y\", \"preference\": \"maybe\"}");
        DataFormatException e = assertThrows(DataFormatException.class, () -> source(HumanDatasetConfig.OnUnknown.ERROR));
        assertEquals(file + ":2: field 'preference' must be A, B or tie, got 'maybe'", e.getMessage());

        write("{\"prompt\": \"p\", \"chosen\": \"good\"}");
        assertEquals(file + ":1: missing string field 'rejected'",
                assertThrows(DataFormatException.class, () -> source(HumanDatasetConfig.OnUnknown.ERROR)).getMessage());
        write("{\"text\": \"no layout\"}");
        assertTrue(assertThrows(DataFormatException.class, () -> source(HumanDatasetConfig.OnUnknown.ERROR))
                .getMessage().startsWith(file + ":1: unrecognised preference record"));
    }

    @Test
    void aMissingFileIsAConfigProblem() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> source(HumanDatasetConfig.OnUnknown.ERROR));
        assertTrue(e.getMessage().contains("prefs.jsonl is not a file"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new HumanDatasetConfig(" ", null));
    }

    @Test
    void pairsModeHandsTheDatasetToTheArmAndLookupModeDoesNot() throws IOException {
        String base = "{\"prompt\": \"p\", \"response_a\": \"x\", \"response_b\": \"y\", \"preference\": \"%s\", \"annotator\": \"%s\"}";
        write(base.formatted("A", "a1"), "{\"prompt\": \"q\", \"chosen\": \"good\", \"rejected\": \"bad\"}", base.formatted("B", "a2"),
                base.formatted("A", "a3"), "not json");
        HumanDatasetConfig pairs = new HumanDatasetConfig("prefs.jsonl", null, null, PreferenceImporter.OnMalformed.SKIP,
                HumanDatasetConfig.Mode.PAIRS);
        List<Preference> dataset = new HumanDatasetFactory().create("human-dataset", pairs, PluginContext.of(directory, 0))
                .datasetPreferences().orElseThrow();
        assertEquals(2, dataset.size(), "one preference per distinct comparison, in the order of its first row");
        assertEquals(new Comparison("p", "x", "y"), dataset.get(0).comparison());
        assertEquals(Choice.A, dataset.get(0).better());
        assertEquals(2.0 / 3.0, dataset.get(0).confidence(), 1e-12);
        assertEquals("a1+a2+a3", dataset.get(0).provenance().judgeId());
        assertEquals(new Comparison("q", "good", "bad"), dataset.get(1).comparison());
        HumanDatasetConfig lookup = new HumanDatasetConfig("prefs.jsonl", null, null, PreferenceImporter.OnMalformed.SKIP, null);
        assertTrue(new HumanDatasetFactory().create("human-dataset", lookup, PluginContext.of(directory, 0))
                .datasetPreferences().isEmpty());
        assertThrows(DataFormatException.class, () -> source(HumanDatasetConfig.OnUnknown.ERROR), "on_malformed: error stops");
    }
}
