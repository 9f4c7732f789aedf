package org.rlhf4j.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.rlhf4j.report.ReportException;
import org.rlhf4j.report.RunReport;
import org.rlhf4j.report.Software;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code rlhf report RUN_DIR}: (re)writes report.html, its charts and disclosure.json from a task run's files. */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Write report.html (with PNG charts) and disclosure.json into a task experiment's run directory.")
public final class ReportCommand implements Callable<Integer> {
    private final CliContext context;

    @Parameters(index = "0", paramLabel = "RUN_DIR", description = "The run directory (the --out of rlhf run).")
    Path directory;

    public ReportCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        RunReport.Written written;
        try {
            written = RunReport.write(directory, Software.current(Nd4jBackend.describe()));
        }
        catch (ReportException e) {
            throw new UsageException(e.getMessage());
        }
        context.out().printf("report: %s (%d charts), %s%n", written.html(), written.charts().size(), written.disclosure());
        context.out().flush();
        return ExitCodes.OK;
    }
}
