package org.rlhf4j.algorithms.bench.paths;

import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import org.nd4j.linalg.api.ops.executioner.OpExecutioner;
import org.nd4j.linalg.factory.Nd4j;
import org.rlhf4j.algorithms.bench.HotPath;

/** The engine's hot paths at the bench size, and a tiny stand-alone runner (median of N timed runs). */
public final class EnginePaths {
    private EnginePaths() {}

    /** Fresh instances of every engine hot path, in reporting order. */
    public static List<Supplier<HotPath>> all() {
        return List.of(TrainStepPath::new, LogProbPath::new, () -> new GenerationPath(true), () -> new GenerationPath(false));
    }

    /** Warms up (which builds the path's model), then times {@code reps} runs; returns the median throughput in units/s. */
    public static double measure(HotPath path, int reps) {
        path.warmUp();
        double[] rates = new double[reps];
        for (int i = 0; i < reps; i++) {
            long t0 = System.nanoTime();
            long units = path.runOnce();
            rates[i] = units / ((System.nanoTime() - t0) / 1e9);
        }
        Arrays.sort(rates);
        return rates[reps / 2];
    }

    /** Prints every path's median throughput: {@code java ... EnginePaths [reps]}. */
    public static void main(String[] args) {
        Nd4j.getExecutioner().setProfilingMode(OpExecutioner.ProfilingMode.DISABLED);
        org.rlhf4j.algorithms.model.EngineThreads.applyDefaults();
        int reps = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        for (Supplier<HotPath> s : all()) {
            try (HotPath p = s.get()) {
                System.out.printf("%-32s %10.1f %s%n", p.name(), measure(p, reps), p.unit());
            }
        }
    }
}
