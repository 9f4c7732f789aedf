package org.rlhf4j.cli;

import static java.util.Objects.requireNonNull;

import java.io.File;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.rlhf4j.api.plugin.PluginKind;
import org.rlhf4j.api.plugin.PluginLoader;
import org.rlhf4j.api.plugin.PluginRegistry;

/**
 * What every verb shares: its output streams and the environment (replaceable in tests).
 *
 * @param out standard output
 * @param err standard error
 * @param environment reads environment variables
 */
public record CliContext(PrintWriter out, PrintWriter err, Function<String, String> environment) {
    /** The environment variable naming extra plugin directories, separated by the path separator. */
    public static final String PLUGINS_ENV = "RLHF_PLUGINS";

    public CliContext {
        requireNonNull(out, "out is null");
        requireNonNull(err, "err is null");
        requireNonNull(environment, "environment is null");
    }

    /** Loads the plugins on the class path, in {@code directories} and in {@value #PLUGINS_ENV}. */
    public PluginRegistry loadPlugins(List<Path> directories) {
        List<Path> all = new ArrayList<>(directories);
        String fromEnv = environment.apply(PLUGINS_ENV);
        if (fromEnv != null) {
            for (String entry : fromEnv.split(File.pathSeparator)) {
                if (!entry.isBlank()) {
                    all.add(Path.of(entry.trim()));
                }
            }
        }
        return PluginLoader.load(all);
    }

    /** Names on standard error the types that plugin jars added, e.g. {@code Plugin types: x (x-plugin.jar)}. */
    public void describePluginJars(PluginRegistry registry) {
        List<String> types = new ArrayList<>();
        for (PluginKind kind : PluginKind.values()) {
            registry.types(kind).forEach((name, type) -> registry.pluginJar(type)
                    .ifPresent(jar -> types.add(name + " (" + jar.getFileName() + ")")));
        }
        if (!types.isEmpty()) {
            err.println("Plugin types: " + String.join(", ", types));
            err.flush();
        }
    }
}
