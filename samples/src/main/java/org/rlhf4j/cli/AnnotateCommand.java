package org.rlhf4j.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.rlhf4j.api.annotation.AnnotationApp;
import org.rlhf4j.experiment.PolicyPairs;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code rlhf annotate}: the human annotation web app. The verbs parse their options and delegate to the
 * {@link AnnotationApp} of the human feedback jar (found by ServiceLoader), its further operations through
 * {@link TeamOperations}, and, for pairs sampled from a run's policy, to {@link PolicyPairs}.
 */
@Command(name = "annotate", mixinStandardHelpOptions = true,
        description = "The human annotation web app: issue and revoke tokens, add pairs, serve, export, back up, import datasets.",
        subcommands = {AnnotateCommand.Tokens.class, AnnotateCommand.Pairs.class, AnnotateCommand.Serve.class,
                AnnotateCommand.Export.class, AnnotateCommand.Backup.class, AnnotateCommand.Import.class})
public final class AnnotateCommand implements Callable<Integer> {
    private final CliContext context;

    public AnnotateCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        context.err().println("rlhf annotate: missing verb: tokens, pairs, serve, export, backup or import (see rlhf annotate --help)");
        context.err().flush();
        return ExitCodes.USAGE;
    }

    private AnnotationApp app() {
        return AnnotationApp.find().orElseThrow(() -> new NotAvailableException(
                "the annotation web app is not on the class path (it ships in the rlhf-feedback-human jar)"));
    }

    private TeamOperations team() {
        return new TeamOperations(app());
    }

    /**
     * The app's team operations (token expiry and revocation, HTTPS and the plain-HTTP guard, the label history in the
     * export, a backup while serving): an app without one answers "not available" (exit code 3), naming the operation,
     * and an operation's refusal of its arguments is a usage error (exit code 2).
     */
    static final class TeamOperations {
        private final AnnotationApp app;

        TeamOperations(AnnotationApp app) {
            this.app = app;
        }

        Map<String, String> issueTokens(Path store, List<String> names, boolean admin, Optional<Instant> expiresAt) {
            return offered(() -> app.issueTokens(store, names, admin, expiresAt));
        }

        List<String> revokeTokens(Path store, List<String> names) {
            return offered(() -> app.revokeTokens(store, names));
        }

        AnnotationApp.Server serve(Path store, String host, int port, Optional<Path> keystore, Optional<String> password,
                boolean insecureHttp) {
            return offered(() -> app.serve(store, host, port, keystore, password, insecureHttp));
        }

        long export(Path store, Path out, Path agreementOut, Optional<Path> history) {
            return offered(() -> app.export(store, out, agreementOut, history));
        }

        long backup(Path store, Path target) {
            return offered(() -> app.backup(store, target));
        }

        private <T> T offered(Supplier<T> operation) {
            try {
                return operation.get();
            }
            catch (UnsupportedOperationException e) {
                throw new NotAvailableException("the annotation app on the class path (" + app.getClass().getName()
                        + ") does not offer " + e.getMessage() + "; use an rlhf-feedback-human jar of this version");
            }
            catch (IllegalArgumentException e) {
                throw new UsageException(e.getMessage());
            }
        }
    }

    /**
     * When a token stops working, from {@code --expires}: a duration from now ({@code 90m}, {@code 12h}, {@code 30d},
     * {@code 2w}, or ISO-8601 such as {@code P30D} or {@code PT36H}), a date ({@code 2025-07-01}: the start of that day, UTC) or an
     * instant ({@code 2025-07-01T12:00:00Z}).
     */
    static Instant expiry(String text, Instant now) {
        Matcher compact = Pattern.compile("(\\d{1,6})([mhdw])").matcher(text.trim().toLowerCase(Locale.ROOT));
        try {
            if (compact.matches()) {
                long amount = Long.parseLong(compact.group(1));
                Duration unit = switch (compact.group(2)) {
                    case "m" -> Duration.ofMinutes(1);
                    case "h" -> Duration.ofHours(1);
                    case "d" -> Duration.ofDays(1);
                    default -> Duration.ofDays(7);
                };
                return now.plus(unit.multipliedBy(amount));
            }
            if (text.startsWith("P") || text.startsWith("p")) {
                return now.plus(Duration.parse(text.toUpperCase(Locale.ROOT)));
            }
            if (text.contains("T")) {
                return Instant.parse(text);
            }
            return LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant();
        }
        catch (DateTimeException | ArithmeticException e) {
            throw new UsageException("--expires '" + text + "': give a duration (90m, 12h, 30d, 2w, P30D), a date "
                    + "(2025-07-01, UTC) or an instant (2025-07-01T12:00:00Z)");
        }
    }

    /** {@code rlhf annotate tokens}. */
    @Command(name = "tokens", mixinStandardHelpOptions = true,
            description = {"Issue a token to each named annotator (or admin); prints NAME TOKEN lines. A name's earlier "
                    + "token stops working. The store keeps only a hash of each token.",
                    "With --revoke, revoke the named tokens instead: a running server refuses them from the next request; "
                    + "their holders' labels stay."})
    static final class Tokens implements Callable<Integer> {
        @picocli.CommandLine.ParentCommand
        AnnotateCommand parent;

        @Option(names = "--store", required = true, paramLabel = "DIR", description = "The annotation store (a directory).")
        Path store;

        @Option(names = "--admin", description = "Issue admin tokens (the dashboard: progress and agreement; no labelling).")
        boolean admin;

        @Option(names = "--expires", paramLabel = "WHEN", description = "The tokens stop working then: 90m, 12h, 30d, 2w, "
                + "P30D, a date (2025-07-01, UTC) or an instant (2025-07-01T12:00:00Z). Default: never.")
        String expires;

        @Option(names = "--revoke", description = "Revoke the named tokens instead of issuing new ones.")
        boolean revoke;

        @Parameters(arity = "1..*", paramLabel = "NAME", description = "Annotator (or admin) names.")
        List<String> names = new ArrayList<>();

        @Override
        public Integer call() {
            if (revoke) {
                if (admin || expires != null) {
                    throw new UsageException("--revoke takes names only, not --admin or --expires");
                }
                List<String> revoked = parent.team().revokeTokens(store, names);
                for (String name : names) {
                    parent.context.out().println(revoked.contains(name) ? "Revoked " + name : name + " was already revoked");
                }
                parent.context.out().flush();
                return ExitCodes.OK;
            }
            Map<String, String> tokens;
            if (expires == null) {
                tokens = parent.app().issueTokens(store, names, admin);
            }
            else {
                Instant expiresAt = expiry(expires, Instant.now());
                tokens = parent.team().issueTokens(store, names, admin, Optional.of(expiresAt));
                parent.context.err().println("The tokens expire at " + expiresAt);
                parent.context.err().flush();
            }
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
    @Command(name = "serve", mixinStandardHelpOptions = true, description = {"Serve the web app until interrupted (Ctrl-C).",
            "Plain HTTP is served on loopback only, unless --insecure-http; give --tls-keystore to serve HTTPS anywhere."})
    static final class Serve implements Callable<Integer> {
        /** The environment variable holding the keystore's password when no --tls-password-file is given. */
        static final String PASSWORD_ENV = "RLHF_TLS_PASSWORD";

        @picocli.CommandLine.ParentCommand
        AnnotateCommand parent;

        @Option(names = "--store", required = true, paramLabel = "DIR", description = "The annotation store (a directory).")
        Path store;

        @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to listen on (default ${DEFAULT-VALUE}; 0.0.0.0 for all).")
        String host;

        @Option(names = "--port", defaultValue = "8080", description = "Port (default ${DEFAULT-VALUE}; 0 for any free one).")
        int port;

        @Option(names = "--tls-keystore", paramLabel = "FILE", description = "Serve HTTPS with this PKCS12 keystore (key and certificate).")
        Path keystore;

        @Option(names = "--tls-password-file", paramLabel = "FILE", description = "A file whose first line is the keystore's "
                + "password (default: the environment variable " + PASSWORD_ENV + "; never on the command line).")
        Path passwordFile;

        @Option(names = "--insecure-http", description = "Allow plain HTTP on an address other than loopback (tokens and "
                + "labels cross the network unencrypted; for a network you trust).")
        boolean insecureHttp;

        @Override
        public Integer call() throws InterruptedException, IOException {
            Optional<String> password = Optional.empty();
            if (keystore != null) {
                password = Optional.of(password());
            }
            else if (passwordFile != null) {
                throw new UsageException("--tls-password-file goes with --tls-keystore");
            }
            AnnotationApp.Server server;
            if (keystore == null && !insecureHttp) {
                try {
                    server = parent.app().serve(store, host, port);
                }
                catch (IllegalArgumentException refused) {
                    throw new UsageException(refused.getMessage());
                }
            }
            else {
                server = parent.team().serve(store, host, port, Optional.ofNullable(keystore), password, insecureHttp);
            }
            if (insecureHttp && keystore == null) {
                parent.context.err().println("WARNING: --insecure-http: plain HTTP is allowed on " + host + "; tokens and "
                        + "labels cross the network unencrypted. Use --tls-keystore unless the network is trusted.");
                parent.context.err().flush();
            }
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                server.close();
                stopped.countDown();
            }, "annotate-shutdown"));
            String scheme = keystore == null ? "http" : "https";
            parent.context.out().println("Serving " + store + " on " + scheme + "://" + host + ":" + server.port()
                    + "/  (annotators open " + scheme + "://HOST:" + server.port() + "/#token=THEIR_TOKEN; Ctrl-C stops)");
            parent.context.out().flush();
            stopped.await();
            return ExitCodes.OK;
        }

        private String password() throws IOException {
            if (passwordFile != null) {
                if (!Files.isRegularFile(passwordFile)) {
                    throw new UsageException("--tls-password-file " + passwordFile + " is not a file");
                }
                List<String> lines = Files.readAllLines(passwordFile, StandardCharsets.UTF_8);
                return lines.isEmpty() ? "" : lines.get(0);
            }
            String fromEnvironment = parent.context.environment().apply(PASSWORD_ENV);
            if (fromEnvironment == null) {
                throw new UsageException("--tls-keystore needs its password: --tls-password-file FILE or the environment "
                        + "variable " + PASSWORD_ENV);
            }
            return fromEnvironment;
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

        @Option(names = "--history", paramLabel = "FILE", description = "Also write every change of the labels (label, "
                + "change, withdrawal, undo; with time and author) as JSON Lines.")
        Path history;

        @Override
        public Integer call() {
            Path agreementOut = agreement != null ? agreement
                    : out.resolveSibling(out.getFileName().toString().replaceFirst("\\.jsonl$", "") + ".agreement.json");
            long labels = history == null ? parent.app().export(store, out, agreementOut)
                    : parent.team().export(store, out, agreementOut, Optional.of(history));
            parent.context.out().println("Exported " + labels + " labels to " + out + " (agreement: " + agreementOut
                    + (history == null ? "" : "; history: " + history) + ")");
            parent.context.out().flush();
            return ExitCodes.OK;
        }
    }

    /** {@code rlhf annotate backup}. */
    @Command(name = "backup", mixinStandardHelpOptions = true,
            description = "Write a consistent copy of the store to FILE, also while it is served; --store FILE opens the copy.")
    static final class Backup implements Callable<Integer> {
        @picocli.CommandLine.ParentCommand
        AnnotateCommand parent;

        @Option(names = "--store", required = true, paramLabel = "DIR", description = "The annotation store (a directory).")
        Path store;

        @Parameters(index = "0", paramLabel = "FILE", description = "The copy to write (must not exist).")
        Path file;

        @Override
        public Integer call() {
            long changes = parent.team().backup(store, file);
            parent.context.out().println("Backed up " + store + " to " + file + " (" + changes + " label changes)");
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
