package org.example.keywords;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.rlhf4j.api.feedback.Choice;
import org.rlhf4j.api.feedback.Comparison;
import org.rlhf4j.api.feedback.Completion;
import org.rlhf4j.api.feedback.FeedbackContext;
import org.rlhf4j.api.feedback.Preference;
import org.rlhf4j.api.feedback.Score;

class TestKeywordScore {
    private static final FeedbackContext CONTEXT = new FeedbackContext("arm", 0, 0);
    private final KeywordScore source = new KeywordScore("example-keyword-score",
            new KeywordScoreConfig(List.of("great", "Sturdy"), List.of("awful")));

    @Test
    void scoresPositiveMinusNegativeWords() {
        List<Score> scores = source.score(List.of(new Completion("p", "Great kettle, sturdy. Great!"),
                new Completion("p", "awful"), new Completion("p", "")), CONTEXT);
        assertEquals(List.of(3.0, -1.0, 0.0), scores.stream().map(Score::reward).toList());
        assertEquals("keyword-score", scores.get(0).provenance().judgeId());
        assertTrue(source.givesScores());
    }

    @Test
    void comparisonsAreDerivedFromScores() {
        List<Preference> preferences = source.compare(List.of(new Comparison("p", "great", "awful"),
                new Comparison("p", "fine", "okay")), CONTEXT);
        assertEquals(Choice.A, preferences.get(0).better());
        assertEquals(1 / (1 + Math.exp(-2)), preferences.get(0).confidence(), 1e-12);
        assertEquals(Choice.TIE, preferences.get(1).better());
        assertEquals(0.5, preferences.get(1).confidence());
    }

    @Test
    void positiveIsRequired() {
        assertThrows(IllegalArgumentException.class, () -> new KeywordScoreConfig(null, List.of("awful")));
        assertEquals(List.of(), new KeywordScoreConfig(List.of("great"), null).negative());
    }
}
