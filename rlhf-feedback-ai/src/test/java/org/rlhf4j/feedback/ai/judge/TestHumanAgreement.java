package org.rlhf4j.feedback.ai.judge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rlhf4j.api.feedback.Choice;

class TestHumanAgreement {
    @TempDir
    Path tmp;

    @Test
    void countsStrictVerdictsOnLabelledComparisonsInEitherOrder() throws IOException {
        Path file = tmp.resolve("labels.jsonl");
        Files.writeString(file, """
                {"prompt": "p", "chosen": "good", "rejected": "bad"}
                {"prompt": "p", "response_a": "meh", "response_b": "fine", "preference": "B"}
                {"prompt": "p", "response_a": "x", "response_b": "y", "preference": "A"}
                {"prompt": "p", "response_a": "y", "response_b": "x", "preference": "A"}
                {"prompt": "q", "response_0": "one", "response_1": "two", "better_response_id": 1}

                """);
        HumanAgreement humans = HumanAgreement.read(file);
        assertEquals(4, humans.size());
        humans.verdict("p", "bad", "good", Choice.B);   // agrees, shown swapped
        humans.verdict("p", "meh", "fine", Choice.A);   // disagrees
        humans.verdict("p", "x", "y", Choice.A);        // a split vote: a tie, not counted
        humans.verdict("q", "one", "two", Choice.B);    // agrees
        humans.verdict("p", "good", "bad", Choice.TIE); // the judge's tie: not counted
        humans.verdict("p", "unknown", "bad", Choice.A); // not in the file
        assertEquals(Map.of("judge/human_agreement", 2.0 / 3, "judge/human_pairs", 3.0), humans.toMap());
        assertEquals(Map.of(), HumanAgreement.none().toMap());
    }

    @Test
    void aBadLineNamesTheFileAndLine() throws IOException {
        Path file = tmp.resolve("bad.jsonl");
        Files.writeString(file, "{\"prompt\": \"p\", \"chosen\": \"a\", \"rejected\": \"b\"}\n{\"prompt\": \"p\", \"response\": \"a\"}\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HumanAgreement.read(file));
        assertTrue(e.getMessage().contains("bad.jsonl, line 2: expected {prompt, chosen, rejected}"), e.getMessage());
    }
}
