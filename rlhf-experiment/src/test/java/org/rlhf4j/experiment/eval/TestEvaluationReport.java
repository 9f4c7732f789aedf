package org.rlhf4j.experiment.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.rlhf4j.api.task.GoldScorer;

class TestEvaluationReport {
    private static final GoldScorer GOLD = new GoldScorer() {
        @Override
        public double reward(String prompt, String response) {
            return response.contains("good") ? 1.0 : 0.0;
        }

        @Override
        public double cost(String prompt, String response) {
            return response.contains("bad") ? 1.0 : 0.0;
        }
    };

    @Test
    void handComputedReport() {
        double[][] policy = {{-1.0, -2.0}, {-0.5}};
        double[][] reference = {{-1.5, -1.0}, {-0.5}};
        EvaluationReport report = EvaluationReport.evaluate(GOLD, List.of("p", "p"), List.of("good dog.", "bad dog."),
                List.of("bad dog.", "bad dog."), policy, reference);
        assertEquals(2, report.samples());
        assertEquals(0.5, report.goldReward());
        assertEquals(0.5, report.goldCost());
        assertEquals(0.75, report.winRateVsSft());
        assertEquals(-0.25, report.klToReference(), 1e-12);
        assertEquals(0.824812488 / 2, report.klK3(), 1e-9);
        assertEquals(3.0, report.responseTokens());
        assertEquals(4.0 / 6.0, report.distinct1(), 1e-12);
        assertEquals(3.0 / 4.0, report.distinct2(), 1e-12);
        assertEquals(0.75, report.metrics().get("eval/win_rate_vs_sft"));
        assertEquals(-0.25, report.metrics().get("eval/kl"), 1e-12);
    }

    @Test
    void samePolicyAsReferenceAndSft() {
        double[][] logprobs = {{-0.7, -0.1}, {-2.0}};
        List<String> responses = List.of("good one.", "meh.");
        EvaluationReport report = EvaluationReport.evaluate(GOLD, List.of("a", "b"), responses, responses, logprobs, logprobs);
        assertEquals(0.0, report.klToReference());
        assertEquals(0.0, report.klK3());
        assertEquals(0.5, report.winRateVsSft());
        assertTrue(Double.isNaN(EvaluationReport.evaluate(GOLD, List.of("a", "b"), responses, null, logprobs, logprobs).winRateVsSft()));
    }
}
