package org.rlhf4j.algorithms.reward;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.rlhf4j.api.feedback.Completion;
import org.rlhf4j.api.feedback.FeedbackContext;
import org.rlhf4j.api.feedback.FeedbackSource;
import org.rlhf4j.api.feedback.LearningFeedbackSource;
import org.rlhf4j.api.feedback.Provenance;
import org.rlhf4j.api.feedback.Score;
import org.rlhf4j.engine.train.TrainingLoop;

/** A scoring source as the reward seam: a learning source's state travels through checkpoint arrays intact. */
class TestFeedbackSourceReward {
    private static LearningFeedbackSource learning() {
        LearningFeedbackSource source = mock(LearningFeedbackSource.class);
        when(source.givesScores()).thenReturn(true);
        when(source.learnsFromPolicy()).thenReturn(true);
        return source;
    }

    @Test
    void aLearningSourcesStateAndRoundSurviveTheCheckpointArrays() {
        byte[] state = {7, -1, 0, 42, -128, 3, 9}; // 7 bytes: the last int is padded
        LearningFeedbackSource saved = learning();
        when(saved.saveState()).thenReturn(state);
        when(saved.observe(any(), any())).thenReturn(Map.of("discriminator/loss", 0.5));
        FeedbackSourceReward seam = new FeedbackSourceReward("gan-discriminator", saved, "rlgaf", 100);
        assertEquals(Map.of("discriminator/loss", 0.5), seam.observe(List.of(new Completion("p", "r")), 17));
        Map<String, INDArray> arrays = seam.learnedState().orElseThrow().export();

        LearningFeedbackSource restored = learning();
        Completion completion = new Completion("p", "r");
        when(restored.score(any(), any())).thenReturn(List.of(Score.of(completion, 1.5, new Provenance("gan", "d", java.time.Instant.EPOCH))));
        FeedbackSourceReward resumed = new FeedbackSourceReward("gan-discriminator", restored, "rlgaf", 100);
        resumed.learnedState().orElseThrow().restore(arrays);
        ArgumentCaptor<byte[]> bytes = ArgumentCaptor.forClass(byte[].class);
        verify(restored).restoreState(bytes.capture());
        assertArrayEquals(state, bytes.getValue());
        // the scores after the resume carry the round the saved seam had reached
        assertArrayEquals(new double[] {1.5}, resumed.score(List.of(completion)).rewards(), 0.0);
        verify(restored).score(eq(List.of(completion)), eq(new FeedbackContext("rlgaf", 17, 117)));
    }

    @Test
    void aSourceThatNeitherLearnsNorCountsHasNoStateToSaveAndAJudgeSavesItsCounters() {
        FeedbackSource rule = mock(FeedbackSource.class);
        when(rule.givesScores()).thenReturn(true);
        when(rule.saveState()).thenReturn(new byte[0]);
        assertTrue(new FeedbackSourceReward("rule-judge", rule, "arm", 0).learnedState().isEmpty());
        // a judge that counts its work (JudgeState) has its counters saved with the checkpoints and given back
        FeedbackSource judge = mock(FeedbackSource.class);
        when(judge.givesScores()).thenReturn(true);
        byte[] counters = {0, 0, 0, 7};
        when(judge.saveState()).thenReturn(counters);
        TrainingLoop.State counted = new FeedbackSourceReward("local-judge", judge, "arm", 0).learnedState().orElseThrow();
        counted.restore(counted.export());
        verify(judge).restoreState(counters);
        // a learning source with an empty state: one padding int, length 0, restored as empty
        LearningFeedbackSource empty = learning();
        when(empty.saveState()).thenReturn(new byte[0]);
        TrainingLoop.State none = new FeedbackSourceReward("gan", empty, "arm", 0).learnedState().orElseThrow();
        Map<String, INDArray> arrays = none.export();
        assertEquals(1, arrays.get("bytes").length());
        none.restore(arrays);
        verify(empty).restoreState(new byte[0]);
    }
}
