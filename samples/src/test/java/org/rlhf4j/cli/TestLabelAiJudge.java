package org.rlhf4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rlhf4j.api.io.MetricsLog;

/** {@code samples/configs/label-ai-judge.yaml}: the local AI judge labels the example comparisons, scored against their human labels. */
class TestLabelAiJudge {
    @TempDir
    Path directory;

    @Test
    void theLocalJudgeIsMeasuredAgainstTheHumanLabels() throws IOException {
        Path out = directory.resolve("out");
        CliResult result = CliResult.run("run", "configs/label-ai-judge.yaml", "--out", out.toString());
        assertEquals(0, result.exitCode(), result.toString());
        List<JsonNode> lines = MetricsLog.readLines(out.resolve("metrics.jsonl"));
        JsonNode last = lines.get(lines.size() - 1);
        // 29 of the 30 human labels are strict; the embedding judge agrees with 11 of them (docs/feedback.md, AI judges)
        assertEquals(29, last.get("judge/human_pairs").asInt(), last.toString());
        assertEquals(11.0 / 29, last.get("judge/human_agreement").asDouble(), 1e-12, last.toString());
        assertEquals(60, last.get("judge/judgements").asInt(), last.toString());
    }
}
