package org.rlhf4j.feedback.human.annotate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.rlhf4j.api.feedback.Choice;

class TestAgreement {
    @Test
    void cohensKappaMatchesAHandComputation() {
        // 10 items (0 = A, 1 = B, 2 = tie): the raters agree on the first 7.
        // first: A 5, B 3, tie 2; second: A 6, B 3, tie 1
        int[] first = {0, 0, 0, 0, 1, 1, 2, 0, 1, 2};
        int[] second = {0, 0, 0, 0, 1, 1, 2, 1, 0, 0};
        double po = 0.7;
        double[] f = {5 / 10.0, 3 / 10.0, 2 / 10.0};
        double[] s = {6 / 10.0, 3 / 10.0, 1 / 10.0};
        double pe = f[0] * s[0] + f[1] * s[1] + f[2] * s[2]; // .30 + .09 + .02 = .41
        assertEquals(0.41, pe, 1e-12);
        assertEquals((po - pe) / (1 - pe), Agreement.cohen(first, second, 3), 1e-12);
        assertEquals(0.29 / 0.59, Agreement.cohen(first, second, 3), 1e-12);
        assertEquals(1.0, Agreement.cohen(first, first, 3), 1e-12);
        assertTrue(Double.isNaN(Agreement.cohen(new int[] {0, 0}, new int[] {0, 0}, 3)), "one category: undefined");
        assertTrue(Double.isNaN(Agreement.cohen(new int[0], new int[0], 3)));
    }

    @Test
    void fleissKappaMatchesTheWikipediaExample() {
        // Fleiss' kappa, worked example (Wikipedia): 10 subjects, 14 raters, 5 categories: kappa = 0.210
        int[][] table = {
            {0, 0, 0, 0, 14}, {0, 2, 6, 4, 2}, {0, 0, 3, 5, 6}, {0, 3, 9, 2, 0}, {2, 2, 8, 1, 1},
            {7, 7, 0, 0, 0}, {3, 2, 6, 3, 0}, {2, 5, 3, 2, 2}, {6, 5, 2, 1, 0}, {0, 2, 2, 3, 7}};
        // by hand: P-bar = 0.378, P_e = 0.213 -> (0.378 - 0.213) / (1 - 0.213) = 0.20993...
        assertEquals(0.20993, Agreement.fleiss(List.of(table)), 5e-5);
    }

    @Test
    void fleissKappaAllowsDifferentNumbersOfRaters() {
        // item 1: 3 raters A,A,B (P = (4+1-3)/6 = 1/3); item 2: 2 raters B,B (P = 1); item 3: 1 rater (ignored)
        // p_A = 2/5, p_B = 3/5: P_e = 4/25 + 9/25 = 13/25; P-bar = 2/3: kappa = (2/3 - 13/25) / (12/25) = 11/36
        List<int[]> items = List.of(new int[] {2, 1, 0}, new int[] {0, 2, 0}, new int[] {1, 0, 0});
        assertEquals(11.0 / 36.0, Agreement.fleiss(items), 1e-12);
    }

    @Test
    void theReportComparesEveryAnnotatorPairOnSharedPairs() {
        List<Label> labels = new ArrayList<>();
        String[] pairs = {"p1", "p2", "p3", "p4"};
        Choice[] ann = {Choice.A, Choice.A, Choice.B, Choice.TIE};
        Choice[] bo = {Choice.A, Choice.B, Choice.B, Choice.TIE};
        for (int i = 0; i < pairs.length; i++) {
            labels.add(label(pairs[i], "ann", ann[i]));
            labels.add(label(pairs[i], "bo", bo[i]));
        }
        labels.add(label("p1", "cy", Choice.A)); // cy shares only p1 with each
        Agreement.Report report = Agreement.report(labels, Label::better);
        assertEquals(4, report.sharedItems());
        assertEquals(3, report.cohen().size());
        Agreement.PairKappa annBo = report.cohen().get(0);
        assertEquals("ann", annBo.first());
        assertEquals("bo", annBo.second());
        assertEquals(4, annBo.items());
        // ann A2 B1 T1, bo A1 B2 T1: p_o = 3/4, p_e = (2*1 + 1*2 + 1*1)/16 = 5/16: kappa = (12/16 - 5/16) / (11/16) = 7/11
        assertEquals(7.0 / 11.0, annBo.kappa(), 1e-12);
        assertEquals(1, report.cohen().get(1).items());
        assertTrue(Double.isNaN(report.cohen().get(1).kappa()), "one shared item in one category: undefined");
    }

    private static Label label(String pair, String annotator, Choice better) {
        return new Label(pair, annotator, better, Choice.TIE, true, true, "", Instant.EPOCH);
    }
}
