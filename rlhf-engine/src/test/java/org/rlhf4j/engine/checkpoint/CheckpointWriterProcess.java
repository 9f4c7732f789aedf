package org.rlhf4j.engine.checkpoint;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Child-JVM entry point of {@link CheckpointCrashTest}: resumes from the latest checkpoint under
 * {@code args[0]} and saves checkpoints of increasing step in an endless loop (keeping the last 3),
 * printing {@code saved <step>} after each, until it is killed.
 */
public final class CheckpointWriterProcess {
    static final int MODEL_SIZE = 96 * 1024;

    private CheckpointWriterProcess() {}

    /** The checkpoint of {@code step}: every value is a function of the step, so a reader can verify it. */
    static Checkpoint checkpoint(long step) {
        INDArray weights = Nd4j.arange(0, MODEL_SIZE).castTo(DataType.FLOAT).addi(step).reshape(96, 1024);
        INDArray bias = Nd4j.valueArrayOf(new long[] {257}, step / 3.0, DataType.DOUBLE);
        INDArray moment = Nd4j.valueArrayOf(new long[] {MODEL_SIZE}, -step, DataType.FLOAT);
        return new Checkpoint(step, Map.of("w", weights, "b", bias), Map.of("m", moment),
                new long[] {step, step * 31}, "{\"step\":" + step + "}", Map.of("writer", "child", "step", Long.toString(step)));
    }

    public static void main(String[] args) throws IOException {
        CheckpointStore store = CheckpointStore.open(Path.of(args[0]), 3);
        long step = store.latestStep().orElse(0) + 1;
        while (true) {
            store.save(checkpoint(step));
            System.out.println("saved " + step);
            System.out.flush();
            step++;
        }
    }
}
