package org.rlhf4j.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/** {@code rlhf annotate}: the human annotation web app, which arrives in a later issue. */
@Command(name = "annotate", mixinStandardHelpOptions = true,
        description = "Serve the human annotation web app (not available yet).")
public final class AnnotateCommand implements Callable<Integer> {
    private final CliContext context;

    @Unmatched
    List<String> arguments = new ArrayList<>();

    public AnnotateCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        context.err().println("rlhf annotate: not available yet (the annotation web app arrives in a later release)");
        context.err().flush();
        return ExitCodes.NOT_AVAILABLE;
    }
}
