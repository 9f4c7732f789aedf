package org.rlhf4j.engine.model;

import java.util.function.Function;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;

/**
 * Thread counts of the ND4J engine: libnd4j's own operations (element-wise, reductions, softmax) and
 * the BLAS (matrix products) are set separately.
 *
 * <p>Defaults, measured on a 2-core machine shared with other jobs (bench/README.md): ONE thread for
 * operations (the engine's ops are small; a second thread costs more in hand-off than it saves, and a
 * busy-waiting OpenMP team is ruinous when another process wants the cores), and ONE BLAS thread
 * unless asked for more. On an otherwise idle machine two BLAS threads speed training up by 10-25%.
 *
 * <p>Precedence for each count: system property ({@value #OPS_PROPERTY}, {@value #BLAS_PROPERTY}), then
 * environment ({@code RLHF_THREADS}, {@code RLHF_BLAS_THREADS}), then {@code OMP_NUM_THREADS} if set
 * (ND4J's own convention), then 1. The BLAS count defaults to the operation count.
 */
public final class EngineThreads {
    /** System property: threads for libnd4j operations. */
    public static final String OPS_PROPERTY = "rlhf4j.threads";
    /** System property: BLAS threads. */
    public static final String BLAS_PROPERTY = "rlhf4j.blasThreads";

    /** System property: data-parallel workers of a training step (see {@link #trainWorkers()}). */
    public static final String TRAIN_WORKERS_PROPERTY = "rlhf4j.trainWorkers";
    /** Environment variable: data-parallel workers of a training step. */
    public static final String TRAIN_WORKERS_ENV = "RLHF_TRAIN_WORKERS";

    /** The applied counts. */
    public record Settings(int opThreads, int blasThreads) {}

    private static volatile Settings lastApplied;

    private EngineThreads() {}

    /** Applies the defaults described above from the real system properties and environment. */
    public static Settings applyDefaults() {
        return apply(resolve(System::getProperty, System::getenv));
    }

    /** The settings {@code properties} and {@code environment} ask for (pure; for tests). */
    public static Settings resolve(Function<String, String> properties, Function<String, String> environment) {
        String omp = environment.apply("OMP_NUM_THREADS");
        int ops = first(properties.apply(OPS_PROPERTY), environment.apply("RLHF_THREADS"), omp, 1);
        int blas = first(properties.apply(BLAS_PROPERTY), environment.apply("RLHF_BLAS_THREADS"), null, ops);
        return new Settings(ops, blas);
    }

    /**
     * Data-parallel workers for a training step ({@link ShardedLmBackprop}): each worker is a Java thread
     * running the forward and backward pass of one shard of the batch, with the operation and BLAS
     * thread counts above. From {@value #TRAIN_WORKERS_PROPERTY}, else {@code RLHF_TRAIN_WORKERS}, else
     * {@code min(2, processors / max(opThreads, blasThreads))}, at least 1 (two on a 2-core machine with
     * the one-thread defaults).
     */
    public static int trainWorkers() {
        return resolveTrainWorkers(System::getProperty, System::getenv, Runtime.getRuntime().availableProcessors());
    }

    /** The worker count {@code properties} and {@code environment} ask for on {@code processors} cores (pure; for tests). */
    public static int resolveTrainWorkers(Function<String, String> properties, Function<String, String> environment, int processors) {
        Settings threads = resolve(properties, environment);
        int perWorker = Math.max(threads.opThreads(), threads.blasThreads());
        int fallback = Math.max(1, Math.min(2, processors / perWorker));
        return first(properties.apply(TRAIN_WORKERS_PROPERTY), environment.apply(TRAIN_WORKERS_ENV), null, fallback);
    }

    /**
     * Gives the CALLING thread the operation and BLAS thread counts of the last {@link #apply} (or, if none
     * ran yet, of {@link #resolve} from the real properties and environment). Needed by every thread that
     * runs ND4J operations besides the one that applied the settings: the OpenMP team size behind
     * libnd4j's operations and the BLAS is a per-thread setting, so a fresh thread otherwise gets the
     * OpenMP default of one thread per core (measured: a second training worker then spawned its own
     * team and the two workers fought for the cores).
     */
    public static Settings applyToCurrentThread() {
        Settings s = lastApplied;
        if (s == null) {
            s = resolve(System::getProperty, System::getenv);
        }
        Nd4j.getBackend();
        NativeOpsHolder.getInstance().getDeviceNativeOps().setOmpNumThreads(s.opThreads());
        Nd4j.factory().blas().setMaxThreads(s.blasThreads());
        return s;
    }

    /** Sets libnd4j's operation threads and the BLAS threads (the OpenMP part for the calling thread, see {@link #applyToCurrentThread()}). */
    public static Settings apply(Settings s) {
        lastApplied = s;
        Nd4j.getBackend(); // loads the native backend: NativeOpsHolder fails if it is the first ND4J class touched
        // libnd4j's setMaxThreads can only raise its pool size; the OpenMP team size and the master
        // thread count are what its operations actually use
        NativeOpsHolder.getInstance().getDeviceNativeOps().setOmpNumThreads(s.opThreads());
        Nd4j.getEnvironment().setMaxThreads(s.opThreads());
        Nd4j.getEnvironment().setMaxMasterThreads(s.opThreads());
        Nd4j.factory().blas().setMaxThreads(s.blasThreads());
        return s;
    }

    private static int first(String a, String b, String c, int fallback) {
        for (String s : new String[] {a, b, c}) {
            if (s != null && !s.isBlank()) {
                int n;
                try {
                    n = Integer.parseInt(s.trim());
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("thread count is not a number: " + s);
                }
                if (n < 1) {
                    throw new IllegalArgumentException("thread count must be positive: " + s);
                }
                return n;
            }
        }
        return fallback;
    }
}
