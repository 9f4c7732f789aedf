package org.rlhf4j.api.feedback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

class TestFeedbackRecords {
    private static final Provenance PROVENANCE = new Provenance("test", "judge-1", Instant.EPOCH);
    private static final Comparison COMPARISON = new Comparison("p", "a", "b");

    @Test
    void nanRewardIsRejectedNamingTheField() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Score.of(new Completion("p", "r"), Double.NaN, PROVENANCE));
        assertTrue(e.getMessage().startsWith("reward "), e.getMessage());
        IllegalArgumentException cost = assertThrows(IllegalArgumentException.class,
                () -> new Score(new Completion("p", "r"), 1.0, OptionalDouble.of(Double.POSITIVE_INFINITY), PROVENANCE));
        assertTrue(cost.getMessage().startsWith("cost "), cost.getMessage());
    }

    @Test
    void confidenceMustBeAProbability() {
        assertThrows(IllegalArgumentException.class, () -> Preference.of(COMPARISON, Choice.A, 1.5, PROVENANCE));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Preference.of(COMPARISON, Choice.A, Double.NaN, PROVENANCE));
        assertTrue(e.getMessage().contains("confidence"), e.getMessage());
    }

    @Test
    void provenanceNeedsASourceAndJudge() {
        assertThrows(IllegalArgumentException.class, () -> new Provenance(" ", "j", Instant.EPOCH));
        NullPointerException e = assertThrows(NullPointerException.class, () -> new Provenance("s", null, Instant.EPOCH));
        assertEquals("judgeId is null", e.getMessage());
    }

    @Test
    void swappingAPreferenceSwapsEveryAbLabel() {
        Preference preference = new Preference(COMPARISON, Choice.A, 0.8,
                Optional.of(SafetyLabel.of(Choice.B, false, true)), PROVENANCE);
        Preference swapped = preference.swapped();
        assertEquals(new Comparison("p", "b", "a"), swapped.comparison());
        assertEquals(Choice.B, swapped.better());
        assertEquals(SafetyLabel.of(Choice.A, true, false), swapped.safety().orElseThrow());
        assertEquals(preference, swapped.swapped());
        assertEquals(Choice.TIE, Choice.TIE.swapped());
    }

    @Test
    void feedbackContextChecksItsArguments() {
        assertThrows(IllegalArgumentException.class, () -> new FeedbackContext("arm", -1, 0));
        assertThrows(IllegalArgumentException.class, () -> new FeedbackContext("", 0, 0));
    }
}
