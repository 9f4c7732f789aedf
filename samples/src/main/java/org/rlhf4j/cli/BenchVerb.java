package org.rlhf4j.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.rlhf4j.bench.BenchCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Unmatched;

/**
 * {@code rlhf bench [--json] [--repeats N] [--only KEY,KEY] [--shapes default,large]}: runs the hot-path benchmark of rlhf-algorithms
 * ({@link BenchCommand}: training step, log-prob scoring, generation with and without the key/value cache,
 * 1024 matmul) and prints its table or JSON. Exit code 0, or 2 for a bad option.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Print the throughput figures of the hot paths (median of N timed runs after warm-up).")
public final class BenchVerb implements Callable<Integer> {
    private final CliContext context;

    @Option(names = "--json", description = "Print JSON (the keys of bench/torch_reference.py).")
    boolean json;

    @Unmatched
    List<String> arguments = new ArrayList<>();

    public BenchVerb(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        context.err().println("ND4J backend: " + Nd4jBackend.describe());
        context.err().flush();
        List<String> args = new ArrayList<>();
        if (json) {
            args.add("--json");
        }
        args.addAll(arguments);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream notes = new ByteArrayOutputStream();
        int code;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
                PrintStream n = new PrintStream(notes, true, StandardCharsets.UTF_8)) {
            code = BenchCommand.run(args.toArray(new String[0]), o, n);
        }
        context.out().print(out.toString(StandardCharsets.UTF_8));
        context.out().flush();
        context.err().print(notes.toString(StandardCharsets.UTF_8));
        context.err().flush();
        return code;
    }
}
