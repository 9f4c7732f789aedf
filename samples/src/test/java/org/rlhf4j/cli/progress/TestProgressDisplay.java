package org.rlhf4j.cli.progress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.rlhf4j.engine.train.ProgressListener;

/** Plain progress lines with their ETA on a fake clock, and a real progress bar drawn into a stream. */
class TestProgressDisplay {
    @Test
    void plainLinesComeEveryTenthWithElapsedTimeAndEta() {
        StringWriter out = new StringWriter();
        long[] now = {0};
        ProgressListener lines = new ProgressDisplay.Lines(new PrintWriter(out), () -> now[0]);
        for (int step = 1; step <= 20; step++) {
            now[0] += 3_000_000_000L; // 3 s a step
            lines.stepDone("rlhf", "ppo", step, 20);
        }
        List<String> printed = out.toString().lines().toList();
        assertEquals(10, printed.size(), out.toString());
        // after step 2: 6 s elapsed since the phase's first report (3 s before it), 18 steps of 3 s to go
        assertEquals("rlhf ppo: 2/20 (10%), 3s elapsed, ETA 27s", printed.get(0));
        assertEquals("rlhf ppo: 20/20 (100%), 57s elapsed, ETA 0s", printed.get(9));
        assertEquals("1m05s", ProgressDisplay.Lines.duration(65));
    }

    @Test
    void aBarPerPhaseWithItsNameAndCount() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ProgressListener bars = ProgressDisplay.of(new PrintWriter(new StringWriter()), new PrintStream(bytes, true, StandardCharsets.UTF_8), true);
        for (int step = 1; step <= 5; step++) {
            bars.stepDone("sft", "sft", step, 5);
        }
        for (int step = 1; step <= 3; step++) {
            bars.stepDone("rlhf", "reward_model", step, 3);
        }
        String drawn = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(drawn.contains("sft") && drawn.contains("5/5"), drawn);
        assertTrue(drawn.contains("rlhf reward_model") && drawn.contains("3/3"), drawn);
    }
}
