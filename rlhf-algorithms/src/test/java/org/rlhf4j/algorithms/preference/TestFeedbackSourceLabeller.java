package org.rlhf4j.algorithms.preference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import org.rlhf4j.api.feedback.Choice;
import org.rlhf4j.api.feedback.Comparison;
import org.rlhf4j.api.feedback.Completion;
import org.rlhf4j.api.feedback.FeedbackContext;
import org.rlhf4j.api.feedback.FeedbackException;
import org.rlhf4j.api.feedback.FeedbackSource;
import org.rlhf4j.api.feedback.LearningFeedbackSource;
import org.rlhf4j.api.feedback.Preference;
import org.rlhf4j.api.feedback.Provenance;
import org.rlhf4j.engine.random.Seeds;
import org.rlhf4j.engine.train.TrainingLoop;

/**
 * An arm's feedback source as online DPO's labeller: it compares through the SPI with a context seeded from the step (the
 * same step, the same context), a learning source observes first, and a judge's counters or a discriminator's state travel
 * with the checkpoints.
 */
class TestFeedbackSourceLabeller {
    private static final Provenance PROVENANCE = new Provenance("local-judge", "j", Instant.EPOCH);
    private static final List<Comparison> COMPARISONS = List.of(new Comparison("p", "a", "b"), new Comparison("q", "c", "d"));

    @Test
    void itComparesThroughTheSpiWithAContextOfTheStep() {
        FeedbackSource judge = mock(FeedbackSource.class);
        when(judge.compare(any(), any())).thenReturn(List.of(Preference.of(COMPARISONS.get(0), Choice.B, 0.8, PROVENANCE),
                Preference.of(COMPARISONS.get(1), Choice.TIE, 0.5, PROVENANCE)));
        FeedbackSourceLabeller labeller = new FeedbackSourceLabeller("local-judge", judge, "online", 99);
        List<LabelledPair> pairs = labeller.label(COMPARISONS, 7);
        assertEquals("b", pairs.get(0).chosen());
        assertEquals("a", pairs.get(0).rejected());
        assertTrue(pairs.get(1).tie());
        verify(judge).compare(eq(COMPARISONS), eq(new FeedbackContext("online", 7, Seeds.derive(99, "labels", "7"))));
        // a source that does not learn is not shown the samples
        assertEquals(Map.of(), labeller.observe(List.of(new Completion("p", "a")), 7));
        verify(judge, never()).observe(any(), any());
        // a source that answers the wrong number of judgments is an error naming it
        when(judge.compare(any(), any())).thenReturn(List.of());
        assertThrows(FeedbackException.class, () -> labeller.label(COMPARISONS, 8));
    }

    @Test
    void aLearningSourceObservesFirstAndItsStateTravelsWithTheCheckpoints() {
        LearningFeedbackSource discriminator = mock(LearningFeedbackSource.class);
        when(discriminator.learnsFromPolicy()).thenReturn(true);
        when(discriminator.observe(any(), any())).thenReturn(Map.of("discriminator/loss", 0.25));
        byte[] state = {1, 2, 3, 4, 5};
        when(discriminator.saveState()).thenReturn(state);
        FeedbackSourceLabeller labeller = new FeedbackSourceLabeller("gan-discriminator", discriminator, "online", 5);
        List<Completion> samples = List.of(new Completion("p", "a"), new Completion("p", "b"));
        assertEquals(Map.of("discriminator/loss", 0.25), labeller.observe(samples, 3));
        verify(discriminator).observe(samples, new FeedbackContext("online", 3, Seeds.derive(5, "labels", "3")));
        TrainingLoop.State saved = labeller.learnedState().orElseThrow();

        LearningFeedbackSource resumed = mock(LearningFeedbackSource.class);
        when(resumed.learnsFromPolicy()).thenReturn(true);
        new FeedbackSourceLabeller("gan-discriminator", resumed, "online", 5).learnedState().orElseThrow().restore(saved.export());
        ArgumentCaptor<byte[]> bytes = ArgumentCaptor.forClass(byte[].class);
        verify(resumed).restoreState(bytes.capture());
        assertArrayEquals(state, bytes.getValue());
        // a source with nothing learnt or counted has no state
        FeedbackSource rule = mock(FeedbackSource.class);
        when(rule.saveState()).thenReturn(new byte[0]);
        assertTrue(new FeedbackSourceLabeller("rule-judge", rule, "online", 5).learnedState().isEmpty());
    }
}
