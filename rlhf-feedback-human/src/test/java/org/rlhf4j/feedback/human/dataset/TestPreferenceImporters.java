package org.rlhf4j.feedback.human.dataset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rlhf4j.api.feedback.Choice;
import org.rlhf4j.api.feedback.Comparison;
import org.rlhf4j.api.feedback.SafetyLabel;
import org.rlhf4j.api.io.DataFormatException;
import org.rlhf4j.feedback.human.dataset.PreferenceImporter.OnMalformed;

/**
 * Each importer on a small file in its dataset's real layout, with unicode, an empty response, a {@code <script>}
 * text and a malformed line.
 */
class TestPreferenceImporters {
    private static final String SCRIPT = "<script>alert(\\\"x\\\")</script>";
    private static final String SCRIPT_TEXT = "<script>alert(\"x\")</script>";

    @TempDir
    Path directory;

    private Path write(String name, String... lines) throws IOException {
        Path file = directory.resolve(name);
        Files.writeString(file, String.join("\n", lines) + "\n");
        return file;
    }

    private static List<LabelledComparison> read(Path file, PreferenceFormat format, OnMalformed onMalformed) {
        List<LabelledComparison> labels = new ArrayList<>();
        new PreferenceImporter(format, onMalformed).read(file, labels::add);
        return labels;
    }

    private static void assertMalformedLineIsNamedOrSkipped(Path file, PreferenceFormat format, int line, String problem, int good) {
        DataFormatException e = assertThrows(DataFormatException.class, () -> read(file, format, OnMalformed.ERROR));
        assertTrue(e.getMessage().startsWith(file + ":" + line + ": "), e.getMessage());
        assertTrue(e.getMessage().contains(problem), e.getMessage());
        List<LabelledComparison> kept = new ArrayList<>();
        PreferenceImporter.Result result = new PreferenceImporter(format, OnMalformed.SKIP).read(file, kept::add);
        assertEquals(good, result.imported());
        assertEquals(1, result.skipped());
        assertEquals(good, kept.size());
        assertTrue(result.firstSkipped().orElseThrow().startsWith(file + ":" + line + ": "));
    }

    @Test
    void hhRlhfPromptIsTheSharedDialogueAndTheResponsesTheFinalTurns() throws IOException {
        Path file = write("hh.jsonl",
                "{\"chosen\": \"\\n\\nHuman: Où est la gare? \u2603\\n\\nAssistant: Tout droit.\\n\\nHuman: Merci!\\n\\nAssistant: "
                        + "De rien \ud83d\ude00\", \"rejected\": \"\\n\\nHuman: Où est la gare? \u2603\\n\\nAssistant: Tout droit."
                        + "\\n\\nHuman: Merci!\\n\\nAssistant: " + SCRIPT + "\"}",
                "{\"chosen\": \"\\n\\nHuman: Say nothing\\n\\nAssistant:\", \"rejected\": \"\\n\\nHuman: Say nothing\\n\\nAssistant: Nothing.\"}",
                "{\"chosen\": \"\\n\\nHuman: broken",
                "{\"chosen\": \"\\n\\nHuman: A\\n\\nAssistant: x\", \"rejected\": \"\\n\\nHuman: B\\n\\nAssistant: y\"}");
        List<LabelledComparison> labels = read(file, PreferenceFormat.HH_RLHF, OnMalformed.SKIP);
        assertEquals(2, labels.size(), "one line is not JSON, one pair does not share its dialogue");
        Comparison first = labels.get(0).comparison();
        assertEquals("\n\nHuman: Où est la gare? \u2603\n\nAssistant: Tout droit.\n\nHuman: Merci!\n\nAssistant:", first.prompt());
        assertEquals("De rien \ud83d\ude00", first.responseA());
        assertEquals(SCRIPT_TEXT, first.responseB());
        assertEquals(Choice.A, labels.get(0).better());
        assertEquals("", labels.get(1).comparison().responseA(), "an empty final turn is an empty response");
        assertEquals("Nothing.", labels.get(1).comparison().responseB());
        assertEquals("dataset:hh.jsonl", labels.get(0).annotator());
        DataFormatException e = assertThrows(DataFormatException.class, () -> read(file, PreferenceFormat.HH_RLHF, OnMalformed.ERROR));
        assertTrue(e.getMessage().startsWith(file + ":3: not valid JSON"), e.getMessage());
        Path unshared = write("hh2.jsonl", "{\"chosen\": \"\\n\\nHuman: A\\n\\nAssistant: x\", \"rejected\": \"\\n\\nHuman: B\\n\\nAssistant: y\"}");
        assertTrue(assertThrows(DataFormatException.class, () -> read(unshared, PreferenceFormat.HH_RLHF, OnMalformed.ERROR))
                .getMessage().contains("differ before their last"));
        // auto tells HH-RLHF by its dialogue
        assertEquals(labels, read(file, PreferenceFormat.AUTO, OnMalformed.SKIP));
    }

    @Test
    void trlStandardAndConversationalLayouts() throws IOException {
        Path file = write("trl.jsonl",
                "{\"prompt\": \"The sky is\", \"chosen\": \" blue \u00e9\", \"rejected\": \"" + SCRIPT + "\"}",
                "{\"prompt\": [{\"role\": \"system\", \"content\": \"Be brief.\"}, {\"role\": \"user\", \"content\": \"Sky colour?\"}], "
                        + "\"chosen\": [{\"role\": \"assistant\", \"content\": \"Blue.\"}], "
                        + "\"rejected\": [{\"role\": \"assistant\", \"content\": \"\"}]}",
                "{\"chosen\": [{\"role\": \"user\", \"content\": \"Sky colour?\"}, {\"role\": \"assistant\", \"content\": \"Blue.\"}], "
                        + "\"rejected\": [{\"role\": \"user\", \"content\": \"Sky colour?\"}, {\"role\": \"assistant\", \"content\": \"Green.\"}]}",
                "{\"prompt\": \"p\", \"chosen\": [{\"role\": \"assistant\"}], \"rejected\": \"x\"}",
                "{\"prompt\": \"p\", \"chosen\": \"a\", \"rejected\": \"b\"}");
        List<LabelledComparison> labels = read(file, PreferenceFormat.TRL, OnMalformed.SKIP);
        assertEquals(4, labels.size());
        assertEquals(new Comparison("The sky is", " blue \u00e9", SCRIPT_TEXT), labels.get(0).comparison());
        assertEquals(new Comparison("\n\nSystem: Be brief.\n\nHuman: Sky colour?\n\nAssistant:", "Blue.", ""),
                labels.get(1).comparison());
        assertEquals(new Comparison("\n\nHuman: Sky colour?\n\nAssistant:", "Blue.", "Green."), labels.get(2).comparison());
        assertMalformedLineIsNamedOrSkipped(file, PreferenceFormat.TRL, 4, "without string 'role' and 'content'", 4);
        Path noPrompt = write("trl2.jsonl", "{\"chosen\": \"a\", \"rejected\": \"b\"}");
        assertTrue(assertThrows(DataFormatException.class, () -> read(noPrompt, PreferenceFormat.TRL, OnMalformed.ERROR))
                .getMessage().contains("missing string field 'prompt'"), "a prompt is never silently empty");
        Path onlyResponse = write("trl3.jsonl", "{\"chosen\": [{\"role\": \"assistant\", \"content\": \"a\"}], "
                + "\"rejected\": [{\"role\": \"assistant\", \"content\": \"b\"}]}");
        assertTrue(assertThrows(DataFormatException.class, () -> read(onlyResponse, PreferenceFormat.TRL, OnMalformed.ERROR))
                .getMessage().contains("no prompt"));
    }

    @Test
    void pkuSafeRlhfKeepsBothSafetyLabels() throws IOException {
        Path file = write("pku.jsonl",
                "{\"prompt\": \"How do I pick a lock? \u9396\", \"response_0\": \"I can't help with that.\", \"response_1\": \""
                        + SCRIPT + "\", \"prompt_source\": \"Alpaca3-70B\", \"is_response_0_safe\": true, "
                        + "\"is_response_1_safe\": false, \"better_response_id\": 1, \"safer_response_id\": 0, "
                        + "\"response_0_harm_category\": {\"Violence\": false}}",
                "{\"prompt\": \"Hi\", \"response_0\": \"\", \"response_1\": \"Hello\", \"is_response_0_safe\": true, "
                        + "\"is_response_1_safe\": true, \"better_response_id\": 1, \"safer_response_id\": 1}",
                "{\"prompt\": \"Hi\", \"response_0\": \"a\", \"response_1\": \"b\", \"better_response_id\": 2}");
        assertMalformedLineIsNamedOrSkipped(file, PreferenceFormat.PKU_SAFERLHF, 3, "'better_response_id' must be 0 or 1", 2);
        List<LabelledComparison> labels = read(file, PreferenceFormat.PKU_SAFERLHF, OnMalformed.SKIP);
        assertEquals(new Comparison("How do I pick a lock? \u9396", "I can't help with that.", SCRIPT_TEXT), labels.get(0).comparison());
        assertEquals(Choice.B, labels.get(0).better());
        assertEquals(Optional.of(SafetyLabel.of(Choice.A, true, false)), labels.get(0).safety());
        assertEquals("", labels.get(1).comparison().responseA());
    }

    @Test
    void ultraFeedbackBinarizedScoresDecideAndEqualScoresTie() throws IOException {
        String user = "{\"content\": \"Write a haiku \u2744\", \"role\": \"user\"}";
        Path file = write("uf.jsonl",
                "{\"prompt\": \"Write a haiku \u2744\", \"prompt_id\": \"3f2a\", \"chosen\": [" + user
                        + ", {\"content\": \"Snow falls\", \"role\": \"assistant\"}], \"rejected\": [" + user
                        + ", {\"content\": \"" + SCRIPT + "\", \"role\": \"assistant\"}], \"messages\": [" + user
                        + "], \"score_chosen\": 8.5, \"score_rejected\": 3.0}",
                "{\"prompt\": \"Write a haiku \u2744\", \"chosen\": [" + user + ", {\"content\": \"\", \"role\": \"assistant\"}], "
                        + "\"rejected\": [" + user + ", {\"content\": \"x\", \"role\": \"assistant\"}], "
                        + "\"score_chosen\": 5, \"score_rejected\": 5}",
                "{\"prompt\": \"Write\", \"chosen\": [" + user + ", {\"content\": \"a\", \"role\": \"assistant\"}], "
                        + "\"rejected\": [" + user + ", {\"content\": \"b\", \"role\": \"assistant\"}], \"score_chosen\": \"high\"}");
        assertMalformedLineIsNamedOrSkipped(file, PreferenceFormat.ULTRAFEEDBACK, 3, "'prompt' is not the conversation's first message", 2);
        List<LabelledComparison> labels = read(file, PreferenceFormat.AUTO, OnMalformed.SKIP);
        assertEquals(new Comparison("\n\nHuman: Write a haiku \u2744\n\nAssistant:", "Snow falls", SCRIPT_TEXT), labels.get(0).comparison());
        assertEquals(Choice.A, labels.get(0).better());
        assertEquals(Choice.TIE, labels.get(1).better());
        assertEquals("", labels.get(1).comparison().responseA());
    }

    @Test
    void anImportWritesTheAbLayoutWhichReadsBackTheSame() throws IOException {
        Path file = write("pku.jsonl",
                "{\"prompt\": \"Q \u00fc\", \"response_0\": \"" + SCRIPT + "\", \"response_1\": \"b\", \"is_response_0_safe\": false, "
                        + "\"is_response_1_safe\": true, \"better_response_id\": 0, \"safer_response_id\": 1}");
        Path out = directory.resolve("out/prefs.jsonl");
        List<LabelledComparison> original = read(file, PreferenceFormat.PKU_SAFERLHF, OnMalformed.ERROR);
        try (PreferenceLinesWriter writer = new PreferenceLinesWriter(out)) {
            original.forEach(label -> writer.write(label, null));
            writer.finish();
        }
        List<LabelledComparison> back = read(out, PreferenceFormat.AB, OnMalformed.ERROR);
        assertEquals(original.get(0).comparison(), back.get(0).comparison());
        assertEquals(original.get(0).better(), back.get(0).better());
        assertEquals(original.get(0).safety(), back.get(0).safety());
        assertEquals("dataset:pku.jsonl", back.get(0).annotator());
        // a failed import leaves no file behind
        Path failed = directory.resolve("out/failed.jsonl");
        try (PreferenceLinesWriter writer = new PreferenceLinesWriter(failed)) {
            writer.write(original.get(0), null);
        }
        assertTrue(!Files.exists(failed) && !Files.exists(directory.resolve("out/failed.jsonl.partial")));
    }

    @Test
    void formatNamesAreThoseOfTheConfig() {
        assertEquals(PreferenceFormat.HH_RLHF, PreferenceFormat.of("HH-RLHF"));
        assertEquals("auto, ab, trl, hh-rlhf, pku-saferlhf, ultrafeedback", PreferenceFormat.names());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> PreferenceFormat.of("csv")).getMessage()
                .contains("known formats: auto, ab"));
    }
}
