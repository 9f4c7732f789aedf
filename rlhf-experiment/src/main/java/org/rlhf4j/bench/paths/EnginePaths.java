package org.rlhf4j.bench.paths;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import org.nd4j.linalg.api.ops.executioner.OpExecutioner;
import org.nd4j.linalg.factory.Nd4j;
import org.rlhf4j.bench.BenchShape;
import org.rlhf4j.bench.HotPath;

/** The engine's hot paths at a bench shape, and a tiny stand-alone runner (median of N timed runs). */
public final class EnginePaths {
    private EnginePaths() {}

    /** Fresh instances of every engine hot path at {@code shape}, in reporting order. */
    public static List<Supplier<HotPath>> all(BenchShape shape) {
        BenchModel model = new BenchModel(requireNonNull(shape, "shape is null"));
        return List.of(() -> new TrainStepPath(model), () -> new LogProbPath(model), () -> new GenerationPath(model, true),
                () -> new GenerationPath(model, false), () -> new DpoStepPath(model), () -> new RewardModelStepPath(model),
                () -> new PpoIterationPath(model));
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

    /** Prints every path's median throughput: {@code java ... EnginePaths [reps [shape]]}. */
    public static void main(String[] args) {
        Nd4j.getExecutioner().setProfilingMode(OpExecutioner.ProfilingMode.DISABLED);
        org.rlhf4j.engine.model.EngineThreads.applyDefaults();
        int reps = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        BenchShape shape = BenchShape.named(args.length > 1 ? args[1] : "default");
        for (Supplier<HotPath> s : all(shape)) {
            try (HotPath p = s.get()) {
                System.out.printf("%-32s %10.1f %s%n", p.name(), measure(p, reps), p.unit());
            }
        }
    }
}
