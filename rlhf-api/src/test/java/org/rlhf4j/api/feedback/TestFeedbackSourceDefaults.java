package org.rlhf4j.api.feedback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TestFeedbackSourceDefaults {
    private static final FeedbackContext CONTEXT = new FeedbackContext("arm", 0, 1);
    private static final Provenance PROVENANCE = new Provenance("length", "length", Instant.EPOCH);

    /** Scores a response by its length: implements only score(). */
    private static final class LengthScorer implements FeedbackSource {
        @Override
        public List<Score> score(List<Completion> completions, FeedbackContext context) {
            return completions.stream().map(c -> Score.of(c, c.response().length(), PROVENANCE)).toList();
        }
    }

    @Test
    void compareIsDerivedFromScoresWithBradleyTerryConfidence() {
        List<Preference> preferences = new LengthScorer().compare(List.of(
                new Comparison("p", "abc", "a"),
                new Comparison("p", "a", "ab"),
                new Comparison("p", "xy", "ab")), CONTEXT);
        assertEquals(Choice.A, preferences.get(0).better());
        assertEquals(1 / (1 + Math.exp(-2)), preferences.get(0).confidence(), 1e-12);
        assertEquals(Choice.B, preferences.get(1).better());
        assertEquals(1 / (1 + Math.exp(-1)), preferences.get(1).confidence(), 1e-12);
        assertEquals(Choice.TIE, preferences.get(2).better());
        assertEquals(0.5, preferences.get(2).confidence());
        assertEquals(new Comparison("p", "xy", "ab"), preferences.get(2).comparison());
    }

    @Test
    void aSourceThatOnlyComparesGivesNoScores() {
        FeedbackSource comparesOnly = new FeedbackSource() {
            @Override
            public List<Preference> compare(List<Comparison> comparisons, FeedbackContext context) {
                return comparisons.stream().map(c -> Preference.of(c, Choice.A, 1.0, PROVENANCE)).toList();
            }
        };
        assertThrows(UnsupportedOperationException.class,
                () -> comparesOnly.score(List.of(new Completion("p", "r")), CONTEXT));
        assertFalse(comparesOnly.learnsFromPolicy());
        assertFalse(comparesOnly.judgesSafety());
        assertEquals(Map.of(), comparesOnly.observe(List.of(new Completion("p", "r")), CONTEXT));
        comparesOnly.close();
    }

    @Test
    void learningSourcesSayTheyLearn() {
        LearningFeedbackSource learner = (samples, context) -> Map.of("seen", (double) samples.size());
        assertTrue(learner.learnsFromPolicy());
        assertEquals(Map.of("seen", 2.0), learner.observe(List.of(new Completion("p", "a"), new Completion("p", "b")), CONTEXT));
    }

    @Test
    void aSourceThatLearnsNothingKeepsNoState() {
        LengthScorer source = new LengthScorer();
        assertEquals(0, source.saveState().length);
        source.restoreState(new byte[0]);
        assertThrows(IllegalArgumentException.class, () -> source.restoreState(new byte[] {1}));
    }
}
