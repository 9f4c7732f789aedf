package org.rlhf4j.feedback.human.annotate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.rlhf4j.api.feedback.Choice;

/** The pairs with most disagreement, against hand computation of 1 - P_i. */
class TestDisagreement {
    @Test
    void pairsAreRankedByOneMinusTheirAgreement() {
        List<Label> labels = new ArrayList<>();
        votes(labels, "agree", Choice.A, Choice.A, Choice.A);        // P = 1: left out
        votes(labels, "split3", Choice.A, Choice.B, Choice.TIE);    // P = 0: disagreement 1
        votes(labels, "two-one", Choice.A, Choice.A, Choice.B);     // P = (4 + 1 - 3) / 6 = 1/3: 2/3
        votes(labels, "split2", Choice.A, Choice.B);                // P = 0: 1, fewer annotators than split3
        votes(labels, "alone", Choice.B);                           // one annotator: left out
        votes(labels, "four", Choice.A, Choice.A, Choice.B, Choice.B); // P = (8 - 4) / 12 = 1/3: 2/3, more annotators
        List<Disagreement.PairVotes> most = Disagreement.most(labels, Label::better, 10);
        assertEquals(List.of("split3", "split2", "four", "two-one"), most.stream().map(Disagreement.PairVotes::pairId).toList());
        assertEquals(1.0, most.get(0).disagreement(), 1e-12);
        assertEquals(2.0 / 3.0, most.get(2).disagreement(), 1e-12);
        assertEquals(2.0 / 3.0, most.get(3).disagreement(), 1e-12);
        assertArrayEquals(new int[] {2, 1, 0}, most.get(3).votes());
        assertEquals(2, Disagreement.most(labels, Label::better, 2).size());
    }

    private static void votes(List<Label> labels, String pair, Choice... choices) {
        for (int i = 0; i < choices.length; i++) {
            labels.add(new Label(pair, "annotator-" + i, choices[i], Choice.TIE, true, true, "", Instant.EPOCH));
        }
    }
}
