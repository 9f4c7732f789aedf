package org.rlhf4j.bench;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import org.nd4j.linalg.api.blas.Blas;
import org.nd4j.linalg.api.ops.executioner.OpExecutioner;
import org.nd4j.linalg.factory.Environment;
import org.nd4j.linalg.factory.Nd4j;
import org.rlhf4j.engine.model.EngineThreads;

/**
 * {@code rlhf bench [--json] [--repeats N] [--only KEY,KEY] [--shapes NAME,NAME]}: measures every discovered hot
 * path at each named {@link BenchShape} (default: {@code default,large}), and the matmul reference, and prints
 * a table or one JSON object. The first shape's figures are at the top level, further shapes' under
 * {@code "shapes"} (without the no-cache generation, which is for information only and slow at large sizes):
 *
 * <pre>
 * {"backend": ..., "omp_num_threads": ..., "blas": ..., "model": {vocab, d_model, n_heads, n_layers,
 *  seq_len, batch, params}, "matmul_1024_gflops": {"median", "min", "max", "unit"},
 *  "&lt;hot path name&gt;": {"median", "min", "max", "unit"}, ...,
 *  "shapes": {"large": {"model": {...}, "&lt;hot path name&gt;": {...}, ...}}}
 * </pre>
 *
 * A hot path that throws is reported as {@code {"error": message}} and the others still run. Thread
 * counts follow {@link EngineThreads#applyDefaults()} (one thread unless asked otherwise).
 */
public final class BenchCommand {
    private static final ObjectMapper JSON = new ObjectMapper();

    private BenchCommand() {}

    /** Command-line entry: {@link #run(String[], PrintStream, PrintStream)} on standard out and error. */
    public static void main(String[] args) {
        int code = run(args, System.out, System.err);
        if (code != 0) {
            System.exit(code);
        }
    }

    /** The JSON key of the further shapes' reports. */
    public static final String SHAPES = "shapes";

    /**
     * Parses {@code args} ({@code --json}, {@code --repeats N}, {@code --only KEY,KEY}, {@code --shapes NAME,NAME},
     * {@code --help}), measures,
     * and prints the report to {@code out} (notes such as skipped providers to {@code notes}).
     *
     * @return 0 on success, 2 for a bad option (explained on {@code notes})
     */
    public static int run(String[] args, PrintStream out, PrintStream notes) {
        requireNonNull(args, "args is null");
        requireNonNull(out, "out is null");
        requireNonNull(notes, "notes is null");
        try {
            return runChecked(args, out, notes);
        } catch (IllegalArgumentException e) {
            notes.println("rlhf bench: " + e.getMessage());
            return 2;
        }
    }

    @SuppressWarnings("deprecation") // setProfilingMode: the documented way to switch profiling off in M2.1
    private static int runChecked(String[] args, PrintStream out, PrintStream notes) {
        boolean json = false;
        int repeats = BenchRunner.DEFAULT_REPEATS;
        Set<String> only = Set.of();
        List<String> shapes = new ArrayList<>(BenchShape.NAMED.keySet());
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--json" -> json = true;
                case "--repeats" -> repeats = Integer.parseInt(requireValue(args, ++i));
                case "--only" -> only = Set.of(requireValue(args, ++i).split(","));
                case "--shapes" -> shapes = List.of(requireValue(args, ++i).split(","));
                case "-h", "--help" -> {
                    out.println("usage: rlhf bench [--json] [--repeats N] [--only KEY,KEY...] [--shapes "
                            + String.join(",", BenchShape.NAMED.keySet()) + "]");
                    return 0;
                }
                default -> throw new IllegalArgumentException("unknown option " + args[i] + " (try --help)");
            }
        }
        shapes.forEach(BenchShape::named); // unknown names fail before anything runs
        Nd4j.getExecutioner().setProfilingMode(OpExecutioner.ProfilingMode.DISABLED);
        EngineThreads.applyDefaults();
        BenchRunner runner = new BenchRunner(repeats);
        Set<String> selected = only;
        Map<String, Object> report = null;
        Map<String, Object> further = new LinkedHashMap<>();
        for (String name : shapes) {
            BenchShape shape = BenchShape.named(name);
            boolean first = report == null;
            List<HotPath> paths = new ArrayList<>(defaultHotPaths(shape, notes));
            paths.removeIf(p -> {
                boolean drop = (!selected.isEmpty() && !selected.contains(p.name())) || (!first && p.name().equals(BenchKeys.GENERATE));
                if (drop) {
                    p.close();
                }
                return drop;
            });
            if (first) {
                MatmulReference matmul = selected.isEmpty() || selected.contains(BenchKeys.MATMUL) ? new MatmulReference() : null;
                report = measure(shape, runner, paths, matmul);
            } else {
                further.put(name, measurePaths(shape, runner, paths));
            }
        }
        if (!further.isEmpty()) {
            report.put(SHAPES, further);
        }
        print(report, json, out);
        return 0;
    }

    private static String requireValue(String[] args, int i) {
        if (i >= args.length) {
            throw new IllegalArgumentException(args[i - 1] + " needs a value");
        }
        return args[i];
    }

    /**
     * Hot paths of every {@link HotPathProvider} on the class path (providers in class-name order).
     * A provider that fails to load or build is skipped with a note on {@code notes}.
     */
    public static List<HotPath> defaultHotPaths(BenchShape shape, PrintStream notes) {
        requireNonNull(shape, "shape is null");
        requireNonNull(notes, "notes is null");
        List<ServiceLoader.Provider<HotPathProvider>> providers = new ArrayList<>();
        ServiceLoader.load(HotPathProvider.class).stream().forEach(providers::add);
        providers.sort(Comparator.comparing(p -> p.type().getName()));
        List<HotPath> paths = new ArrayList<>();
        for (ServiceLoader.Provider<HotPathProvider> provider : providers) {
            try {
                paths.addAll(provider.get().hotPaths(shape));
            } catch (RuntimeException | ServiceConfigurationError e) {
                notes.println("bench: skipping " + provider.type().getName() + ": " + e);
            }
        }
        if (paths.isEmpty()) {
            notes.println("bench: no HotPathProvider found on the class path; measuring the matmul reference only");
        }
        return paths;
    }

    /**
     * Measures {@code paths} at {@link BenchShape#DEFAULT} with the default runner and the 1024 matmul
     * reference, closes the paths, and prints the report to {@code out} (JSON if {@code json}).
     */
    public static void run(List<HotPath> paths, boolean json, PrintStream out) {
        print(measure(BenchShape.DEFAULT, new BenchRunner(), paths, new MatmulReference()), json, out);
    }

    /**
     * Measures the matmul reference (if not null) and then each path, closing each path afterwards.
     *
     * @return the report, keys in output order
     */
    public static Map<String, Object> measure(BenchShape shape, BenchRunner runner, List<HotPath> paths,
            MatmulReference matmul) {
        requireNonNull(shape, "shape is null");
        requireNonNull(runner, "runner is null");
        requireNonNull(paths, "paths is null");
        Map<String, Object> report = new LinkedHashMap<>();
        report.put(BenchKeys.BACKEND, backend());
        Environment env = Nd4j.getEnvironment();
        // the threads operations really use (maxThreads is libnd4j's pool size, which can only grow)
        report.put(BenchKeys.OMP_NUM_THREADS, env.maxMasterThreads());
        report.put(BenchKeys.BLAS, blas(env));
        report.put(BenchKeys.MODEL, shape.toJsonMap());
        report.put("repeats", runner.repeats());
        if (matmul != null) {
            try (matmul) {
                report.put(matmul.name(), matmul.measure(runner).toJsonMap());
            }
        }
        measurePaths(shape, runner, paths).forEach(report::putIfAbsent);
        return report;
    }

    /**
     * The {@code model} object of {@code shape} and each path's figures (or {@code {"error": message}}), closing
     * each path afterwards.
     */
    public static Map<String, Object> measurePaths(BenchShape shape, BenchRunner runner, List<HotPath> paths) {
        requireNonNull(shape, "shape is null");
        requireNonNull(runner, "runner is null");
        requireNonNull(paths, "paths is null");
        Map<String, Object> report = new LinkedHashMap<>();
        report.put(BenchKeys.MODEL, shape.toJsonMap());
        for (HotPath path : paths) {
            try (path) {
                report.put(path.name(), runner.run(path).toJsonMap());
            } catch (RuntimeException e) {
                report.put(path.name(), Map.of("error", String.valueOf(e)));
            }
        }
        return report;
    }

    /** Prints {@code report} as pretty JSON (with {@code \n} line ends) or as a table. */
    public static void print(Map<String, Object> report, boolean json, PrintStream out) {
        if (json) {
            DefaultIndenter indenter = new DefaultIndenter("  ", "\n");
            DefaultPrettyPrinter printer = new DefaultPrettyPrinter().withObjectIndenter(indenter);
            try {
                out.println(JSON.writer(printer).writeValueAsString(report));
            } catch (JsonProcessingException e) {
                throw new UncheckedIOException(e);
            }
            return;
        }
        out.printf("backend %s, threads %s, %s%n", report.get(BenchKeys.BACKEND),
                report.get(BenchKeys.OMP_NUM_THREADS), report.get(BenchKeys.BLAS));
        out.printf("model %s, median of %s repeats%n", report.get(BenchKeys.MODEL), report.get("repeats"));
        printFigures(report, out);
        if (report.get(SHAPES) instanceof Map<?, ?> further) {
            for (Map.Entry<?, ?> e : further.entrySet()) {
                if (e.getValue() instanceof Map<?, ?> shape) {
                    out.printf("%nshape %s: model %s%n", e.getKey(), shape.get(BenchKeys.MODEL));
                    printFigures(shape, out);
                }
            }
        }
    }

    private static void printFigures(Map<?, ?> report, PrintStream out) {
        out.printf("%-28s %14s %14s %14s  %s%n", "hot path", "median", "min", "max", "unit");
        for (Map.Entry<?, ?> e : report.entrySet()) {
            if (!(e.getValue() instanceof Map<?, ?> m) || e.getKey().equals(BenchKeys.MODEL) || e.getKey().equals(SHAPES)) {
                continue;
            }
            if (m.containsKey("error")) {
                out.printf("%-28s failed: %s%n", e.getKey(), m.get("error"));
            } else {
                out.printf("%-28s %,14.1f %,14.1f %,14.1f  %s%n", e.getKey(), (Double) m.get("median"),
                        (Double) m.get("min"), (Double) m.get("max"), m.get("unit"));
            }
        }
    }

    private static String backend() {
        return "nd4j-" + nd4jVersion() + " " + Nd4j.getBackend().getClass().getSimpleName();
    }

    /** The ND4J version from nd4j-api's Maven metadata (also present in fat jars), or "unknown". */
    static String nd4jVersion() {
        try (InputStream in = Nd4j.class.getResourceAsStream("/META-INF/maven/org.nd4j/nd4j-api/pom.properties")) {
            if (in != null) {
                Properties properties = new Properties();
                properties.load(in);
                return properties.getProperty("version", "unknown");
            }
        } catch (IOException e) {
            // fall through
        }
        return "unknown";
    }

    private static String blas(Environment env) {
        Blas blas = Nd4j.factory().blas();
        return blas.getBlasVendor() + " (bundled with the ND4J backend), " + blas.getMaxThreads() + " BLAS threads";
    }
}
