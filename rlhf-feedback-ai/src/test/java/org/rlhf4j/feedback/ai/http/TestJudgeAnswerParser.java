package org.rlhf4j.feedback.ai.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.rlhf4j.api.feedback.Choice;

class TestJudgeAnswerParser {
    @Test
    void readsCommonVerdictForms() {
        assertEquals(Optional.of(Choice.A), JudgeAnswerParser.parse("A"));
        assertEquals(Optional.of(Choice.B), JudgeAnswerParser.parse(" b.\n"));
        assertEquals(Optional.of(Choice.TIE), JudgeAnswerParser.parse("Tie"));
        assertEquals(Optional.of(Choice.B), JudgeAnswerParser.parse("After thinking it over: [[B]]"));
        assertEquals(Optional.of(Choice.TIE), JudgeAnswerParser.parse("[[C]]"));
        assertEquals(Optional.of(Choice.A), JudgeAnswerParser.parse("Response A is better."));
        assertEquals(Optional.of(Choice.B), JudgeAnswerParser.parse("Output (b) is clearer"));
        assertEquals(Optional.of(Choice.TIE), JudgeAnswerParser.parse("Verdict: tie"));
        assertEquals(Optional.of(Choice.TIE), JudgeAnswerParser.parse("Equal quality."));
    }

    @Test
    void refusesProseWithoutAVerdict() {
        assertEquals(Optional.empty(), JudgeAnswerParser.parse("I like turtles"));
        assertEquals(Optional.empty(), JudgeAnswerParser.parse("A good answer needs more context"));
        assertEquals(Optional.empty(), JudgeAnswerParser.parse("Responses are about apples"));
        assertEquals(Optional.empty(), JudgeAnswerParser.parse(""));
        assertEquals(Optional.empty(), JudgeAnswerParser.parse(null));
    }
}
