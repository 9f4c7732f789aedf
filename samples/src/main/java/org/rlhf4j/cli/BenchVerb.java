package org.rlhf4j.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Unmatched;

/**
 * {@code rlhf bench}: delegates to the hot-path benchmark harness of rlhf-algorithms
 * ({@code org.rlhf4j.algorithms.bench.BenchCommand.main}) once it exists; until then it says so.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Print the throughput figures of the hot paths.")
public final class BenchVerb implements Callable<Integer> {
    private final CliContext context;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Unmatched
    List<String> arguments = new ArrayList<>();

    public BenchVerb(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        context.err().println("ND4J backend: " + Nd4jBackend.describe());
        // Replace with: BenchCommand.main(args) once rlhf-algorithms ships org.rlhf4j.algorithms.bench.BenchCommand.
        context.err().println("rlhf bench: not available yet (the benchmark harness arrives with rlhf-algorithms)");
        context.err().flush();
        return ExitCodes.NOT_AVAILABLE;
    }
}
