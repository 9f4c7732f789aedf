package org.rlhf4j.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class TestReportCharts {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aLoggedStepIsDrawnAtThePolicyUpdatesItStandsFor() throws IOException {
        // PPO: 40 iterations of 2 epochs x 2 minibatches
        assertEquals(4.0, ReportCharts.updatesPerStep(JSON.readTree("{\"steps\": 40, \"budget\": {\"policy_updates\": 160}}")));
        // DPO and GRPO: one update per step
        assertEquals(1.0, ReportCharts.updatesPerStep(JSON.readTree("{\"steps\": 172, \"budget\": {\"policy_updates\": 172}}")));
        // a run written before budgets were, or an arm that did not train
        assertEquals(1.0, ReportCharts.updatesPerStep(JSON.readTree("{\"steps\": 40}")));
        assertEquals(1.0, ReportCharts.updatesPerStep(JSON.readTree("{\"steps\": 0, \"budget\": {\"policy_updates\": 0}}")));
    }
}
