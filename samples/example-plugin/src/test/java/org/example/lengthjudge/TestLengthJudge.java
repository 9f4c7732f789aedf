package org.example.lengthjudge;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.rlhf4j.api.feedback.Choice;
import org.rlhf4j.api.feedback.Comparison;
import org.rlhf4j.api.feedback.FeedbackContext;
import org.rlhf4j.api.feedback.Preference;

class TestLengthJudge {
    private static final List<Comparison> COMPARISONS = List.of(
            new Comparison("p", "short", "much longer"),
            new Comparison("p", "much longer", "short"),
            new Comparison("p", "same", "size"));

    @Test
    void prefersTheShorterResponseByDefault() {
        List<Choice> choices = new LengthJudge("example-length-judge", new LengthJudgeConfig(null).prefer())
                .compare(COMPARISONS, new FeedbackContext("arm", 0, 0)).stream().map(Preference::better).toList();
        assertEquals(List.of(Choice.A, Choice.B, Choice.TIE), choices);
    }

    @Test
    void canPreferTheLongerResponse() {
        List<Preference> preferences = new LengthJudge("t", LengthJudgeConfig.Prefer.LONGER)
                .compare(COMPARISONS, new FeedbackContext("arm", 0, 0));
        assertEquals(List.of(Choice.B, Choice.A, Choice.TIE), preferences.stream().map(Preference::better).toList());
        assertEquals("length-judge/longer", preferences.get(0).provenance().judgeId());
    }
}
