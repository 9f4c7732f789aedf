package org.rlhf4j.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.rlhf4j.api.annotation.AnnotationApp;
import org.rlhf4j.experiment.PolicyPairs;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code rlhf annotate}: the human annotation web app. The verbs parse their options and delegate to the
 * {@link AnnotationApp} of the human feedback jar (found by ServiceLoader) and, for pairs sampled from a run's
 * policy, to {@link PolicyPairs}.
 */
@Command(name = "annotate", mixinStandardHelpOptions = true,
        description = "The human annotation web app: issue tokens, add pairs, serve, export, import datasets.",
        subcommands = {AnnotateCommand.Tokens.class, AnnotateCommand.Pairs.class, AnnotateCommand.Serve.class,
                AnnotateCommand.Export.class, AnnotateCommand.Import.class})
public final class AnnotateCommand implements Callable<Integer> {
    private final CliContext context;

    public AnnotateCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        context.err().println("rlhf annotate: missing verb: tokens, pairs, serve, export or import (see rlhf annotate --help)");
        context.err().flush();
        return ExitCodes.USAGE;
    }

    private AnnotationApp app() {
        return AnnotationApp.find().orElseThrow(() -> new NotAvailableException(
                "the annotation web app is not on the class path (it ships in the rlhf-feedback-human jar)"));
    }

    /** {@code rlhf annotate tokens}. */
    @Command(name = "tokens", mixinStandardHelpOptions = true,
            description = "Issue a token to each named annotator (or admin); prints NAME TOKEN lines. A name's earlier token stops working.")
    static final class Tokens implements Callable<Integer> {
        @picocli.CommandLine.ParentCommand
        AnnotateCommand parent;

        @Option(names = "--store", required = true, paramLabel = "DIR", description = "The annotation store (a directory).")
        Path store;

        @Option(names = "--admin", description = "Issue admin tokens (progress and agreement; no labelling).")
        boolean admin;

        @Parameters(arity = "1..*", paramLabel = "NAME", description = "Annotator names.")
        List<String> names = new ArrayList<>();

        @Override
        public Integer call() {
            Map<String, String> tokens = parent.app().issueTokens(store, names, admin);
            tokens.forEach((name, token) -> parent.context.out().println(name + " " + token));
            parent.context.out().flush();
            return ExitCodes.OK;
        }
    }

    /** {@code rlhf annotate pairs}. */
    @Command(name = "pairs", mixinStandardHelpOptions = true,
            description = "Add pairs to label: from a JSONL file of prompt/response_a/response_b, or sampled from a run's policy.")
    static final class Pairs implements Callable<Integer> {
        @picocli.CommandLine.ParentCommand
        AnnotateCommand parent;

        @Option(names = "--store", required = true, paramLabel = "DIR", description = "The annotation store (a directory).")
        Path store;

        @Option(names = "--file", paramLabel = "FILE", description = "JSON Lines of prompt, response_a, response_b (and an optional id).")
        Path file;

        @Option(names = "--from-run", paramLabel = "RUN", description = "Sample two responses per prompt from this run's policy checkpoint.")
        Path run;

        @Option(names = "--arm", paramLabel = "ARM", description = "With --from-run: the arm whose policy samples (default: the SFT policy).")
        String arm;

        @Option(names = "--phase", paramLabel = "PHASE", description = "With --arm: the arm's checkpoint phase (default: its only policy phase).")
        String phase;

        @Option(names = "--prompts", paramLabel = "FILE", description = "With --from-run: a file of prompts, one a line (default: the run's EVAL prompts).")
        Path prompts;

        @Option(names = "--max-new-tokens", defaultValue = "24", description = "With --from-run: response length limit (default ${DEFAULT-VALUE}).")
        int maxNewTokens;

        @Option(names = "--temperature", defaultValue = "1.0", description = "With --from-run: sampling temperature (default ${DEFAULT-VALUE}).")
        double temperature;

        @Option(names = "--seed", defaultValue = "42", description = "With --from-run: sampling seed (default ${DEFAULT-VALUE}).")
        long seed;

        @Option(names = "--per-pair", paramLabel = "K", description = "How many annotators label each pair (default: the store's, 1 at first).")
        Integer perPair;

        @Override
        public Integer call() throws IOException {
            if ((file == null) == (run == null)) {
                throw new UsageException("give exactly one of --file FILE and --from-run RUN");
            }
            if (run == null && (arm != null || phase != null || prompts != null)) {
                throw new UsageException("--arm, --phase and --prompts go with --from-run");
            }
            Path pairsFile = file;
            if (run != null) {
                PolicyPairs policy = PolicyPairs.load(run, Optional.ofNullable(arm), Optional.ofNullable(phase));
                List<String> promptList = prompts != null ? Files.readAllLines(prompts).stream().filter(l -> !l.isBlank()).toList()
                        : PolicyPairs.runPrompts(run);
                pairsFile = store.resolve("pairs").resolve(run.toAbsolutePath().normalize().getFileName() + "-"
                        + (arm == null ? "sft" : arm) + "-seed" + seed + ".jsonl");
                int sampled = policy.write(promptList, maxNewTokens, temperature, seed, pairsFile);
                parent.context.err().println("Sampled " + sampled + " pairs from " + policy.source() + " into " + pairsFile);
            }
            int added = parent.app().addPairs(store, pairsFile, Optional.ofNullable(perPair));
            parent.context.out().println("Added " + added + " new pairs to " + store);
            parent.context.out().flush();
            parent.context.err().flush();
            return ExitCodes.OK;
        }
    }

    /** {@code rlhf annotate serve}. */
    @Command(name = "serve", mixinStandardHelpOptions = true, description = "Serve the web app until interrupted (Ctrl-C).")
    static final class Serve implements Callable<Integer> {
        @picocli.CommandLine.ParentCommand
        AnnotateCommand parent;

        @Option(names = "--store", required = true, paramLabel = "DIR", description = "The annotation store (a directory).")
        Path store;

        @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to listen on (default ${DEFAULT-VALUE}; 0.0.0.0 for all).")
        String host;

        @Option(names = "--port", defaultValue = "8080", description = "Port (default ${DEFAULT-VALUE}; 0 for any free one).")
        int port;

        @Override
        public Integer call() throws InterruptedException {
            AnnotationApp.Server server = parent.app().serve(store, host, port);
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                server.close();
                stopped.countDown();
            }, "annotate-shutdown"));
            parent.context.out().println("Serving " + store + " on http://" + host + ":" + server.port()
                    + "/  (annotators open http://HOST:" + server.port() + "/#token=THEIR_TOKEN; Ctrl-C stops)");
            parent.context.out().flush();
            stopped.await();
            return ExitCodes.OK;
        }
    }

    /** {@code rlhf annotate export}. */
    @Command(name = "export", mixinStandardHelpOptions = true,
            description = "Write every label as preferences JSONL (what human-dataset reads) and the agreement as JSON.")
    static final class Export implements Callable<Integer> {
        @picocli.CommandLine.ParentCommand
        AnnotateCommand parent;

        @Option(names = "--store", required = true, paramLabel = "DIR", description = "The annotation store (a directory).")
        Path store;

        @Option(names = "--out", required = true, paramLabel = "FILE", description = "The preferences JSONL to write.")
        Path out;

        @Option(names = "--agreement", paramLabel = "FILE", description = "The agreement JSON to write (default: FILE with .agreement.json).")
        Path agreement;

        @Override
        public Integer call() {
            Path agreementOut = agreement != null ? agreement
                    : out.resolveSibling(out.getFileName().toString().replaceFirst("\\.jsonl$", "") + ".agreement.json");
            long labels = parent.app().export(store, out, agreementOut);
            parent.context.out().println("Exported " + labels + " labels to " + out + " (agreement: " + agreementOut + ")");
            parent.context.out().flush();
            return ExitCodes.OK;
        }
    }

    /** {@code rlhf annotate import}. */
    @Command(name = "import", mixinStandardHelpOptions = true,
            description = "Convert a public preference dataset to preferences JSONL, streaming (constant memory).")
    static final class Import implements Callable<Integer> {
        @picocli.CommandLine.ParentCommand
        AnnotateCommand parent;

        @Parameters(index = "0", paramLabel = "DATASET", description = "The dataset's JSON Lines file.")
        Path dataset;

        @Option(names = "--format", defaultValue = "auto",
                description = "auto, ab, trl, hh-rlhf, pku-saferlhf or ultrafeedback (default ${DEFAULT-VALUE}: per line, by its fields).")
        String format;

        @Option(names = "--skip-malformed", description = "Skip and count malformed lines instead of stopping at the first.")
        boolean skipMalformed;

        @Option(names = "--out", required = true, paramLabel = "FILE", description = "The preferences JSONL to write.")
        Path out;

        @Override
        public Integer call() {
            AnnotationApp.ImportResult result;
            try {
                result = parent.app().importDataset(dataset, format, skipMalformed, out);
            }
            catch (IllegalArgumentException e) {
                throw new UsageException(e.getMessage());
            }
            parent.context.out().println("Imported " + result.written() + " pairs to " + out
                    + (skipMalformed ? " (" + result.skipped() + " malformed lines skipped)" : ""));
            parent.context.out().flush();
            return ExitCodes.OK;
        }
    }
}
