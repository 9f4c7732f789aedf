package org.rlhf4j.engine.sft;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.rlhf4j.engine.model.Heads;
import org.rlhf4j.engine.model.TransformerConfig;
import org.rlhf4j.engine.model.TransformerWeights;
import org.rlhf4j.engine.optim.AdamW;
import org.rlhf4j.engine.optim.LrSchedule;
import org.rlhf4j.engine.random.Rng;

/**
 * The child JVM of {@link SftRunCrashTest}: a small checkpointed SFT run on the toy language of
 * {@link SftTrainerTest}. Arguments: run directory, {@code fresh} or {@code resume}, milliseconds to sleep
 * after each step (so the parent can kill it mid-run).
 */
public final class SftRunChild {
    static final int STEPS = 60;
    static final int LOG_EVERY = 3;
    static final int CHECKPOINT_EVERY = 10;

    private SftRunChild() {}

    public static void main(String[] args) throws Exception {
        Path directory = Path.of(args[0]);
        boolean resume = args[1].equals("resume");
        long sleepMillis = Long.parseLong(args[2]);
        run(directory, resume, sleepMillis);
        System.out.println("done");
    }

    static SftRun.Result run(Path directory, boolean resume, long sleepMillis) throws Exception {
        List<SftExample> data = SftTrainerTest.corpus(new Rng(1), 200);
        TransformerWeights weights = TransformerWeights.init(TransformerConfig.of(24, 32, 4, 1, 16), Heads.LM, new Rng(3));
        AdamW.Config optimizer = new AdamW.Config(new LrSchedule(3e-3, 5, STEPS, 0.1), 0.9, 0.95, 1e-8, 0.01, 1.0);
        SftRun run = new SftRun(weights, new SftTrainer.Config(16, 16, optimizer), 77, data,
                new SftRun.Options(STEPS, LOG_EVERY, CHECKPOINT_EVERY, 0), directory.resolve("metrics.jsonl"),
                directory.resolve("checkpoints"), "{\"test\": true}\n", Optional.empty());
        run.afterStep(step -> {
            if (sleepMillis > 0) {
                try {
                    Thread.sleep(sleepMillis);
                }
                catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        return run.run(resume);
    }
}
