package org.rlhf4j.cli;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.util.function.Function;
import org.rlhf4j.api.config.ConfigException;
import org.rlhf4j.api.feedback.FeedbackException;
import org.rlhf4j.api.io.DataFormatException;
import org.rlhf4j.api.plugin.PluginException;
import org.rlhf4j.api.plugin.UnknownTypeException;
import org.rlhf4j.cli.run.RunSetupException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code rlhf} command: {@code run}, {@code report}, {@code plugins}, {@code annotate}, {@code bench} and {@code model}. Exit codes:
 * 0 success, 1 runtime failure, 2 usage or config error, 3 not available yet.
 */
@Command(name = "rlhf", mixinStandardHelpOptions = true, version = "rlhf4j 0.1.0-SNAPSHOT",
        description = "Reinforcement learning from human, GAN and AI feedback.")
public final class RlhfCli implements java.util.concurrent.Callable<Integer> {
    private final CliContext context;

    private RlhfCli(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        context.err().println("rlhf: missing verb: run, report, plugins, annotate, bench or model (see rlhf --help)");
        context.err().flush();
        return ExitCodes.USAGE;
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true, Charset.defaultCharset());
        PrintWriter err = new PrintWriter(System.err, true, Charset.defaultCharset());
        System.exit(execute(args, new CliContext(out, err, System::getenv)));
    }

    /** Runs the command line in-process and returns its exit code. */
    public static int execute(String[] args, CliContext context) {
        return commandLine(context).execute(args);
    }

    /** Runs the command line in-process with the given streams and environment. */
    public static int execute(String[] args, PrintWriter out, PrintWriter err, Function<String, String> environment) {
        return execute(args, new CliContext(out, err, environment));
    }

    static CommandLine commandLine(CliContext context) {
        CommandLine commandLine = new CommandLine(new RlhfCli(context))
                .addSubcommand("run", new RunCommand(context))
                .addSubcommand("report", new ReportCommand(context))
                .addSubcommand("plugins", new PluginsCommand(context))
                .addSubcommand("annotate", new AnnotateCommand(context))
                .addSubcommand("bench", new BenchVerb(context))
                .addSubcommand("model", new ModelCommand(context));
        commandLine.setOut(context.out());
        commandLine.setErr(context.err());
        commandLine.setExecutionExceptionHandler((exception, line, parseResult) -> {
            int code = exitCode(exception);
            String verb = line.getCommandName();
            context.err().println("rlhf " + verb + ": " + (code == ExitCodes.USAGE ? "" : "failed: ") + message(exception));
            context.err().flush();
            return code;
        });
        commandLine.setParameterExceptionHandler((exception, args) -> {
            context.err().println("rlhf: " + exception.getMessage());
            context.err().println("(rlhf --help lists the verbs and options)");
            context.err().flush();
            return ExitCodes.USAGE;
        });
        return commandLine;
    }

    private static int exitCode(Exception exception) {
        if (exception instanceof NotAvailableException) {
            return ExitCodes.NOT_AVAILABLE;
        }
        if (exception instanceof ConfigException || exception instanceof UnknownTypeException
                || exception instanceof UsageException || exception instanceof RunSetupException
                || exception instanceof PluginException) {
            return ExitCodes.USAGE;
        }
        if (exception instanceof FeedbackException || exception instanceof DataFormatException
                || exception instanceof UncheckedIOException) {
            return ExitCodes.RUNTIME;
        }
        return ExitCodes.RUNTIME;
    }

    private static String message(Exception exception) {
        String message = exception.getMessage();
        return message == null ? exception.toString() : message;
    }
}
