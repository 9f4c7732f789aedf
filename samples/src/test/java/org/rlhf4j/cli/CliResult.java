package org.rlhf4j.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;

/** Runs the CLI in-process and captures what it printed. */
record CliResult(int exitCode, String out, String err) {
    static CliResult run(Map<String, String> environment, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = RlhfCli.execute(args, new PrintWriter(out, true), new PrintWriter(err, true), environment::get);
        return new CliResult(code, out.toString(), err.toString());
    }

    static CliResult run(String... args) {
        return run(Map.of(), args);
    }

    @Override
    public String toString() {
        return "exit " + exitCode + "\n--- out\n" + out + "--- err\n" + err;
    }
}
