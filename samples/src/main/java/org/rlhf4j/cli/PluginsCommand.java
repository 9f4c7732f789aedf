package org.rlhf4j.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.rlhf4j.api.plugin.PluginKind;
import org.rlhf4j.api.plugin.PluginRegistry;
import org.rlhf4j.api.plugin.PluginType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code rlhf plugins}: every registered type, grouped by kind, with its one-line description. */
@Command(name = "plugins", mixinStandardHelpOptions = true,
        description = "List every discovered feedback source, algorithm and task type.")
public final class PluginsCommand implements Callable<Integer> {
    private final CliContext context;

    @Option(names = "--plugins", paramLabel = "DIR",
            description = "Also load every plugin jar in DIR (repeatable; also env RLHF_PLUGINS).")
    List<Path> pluginDirectories = new ArrayList<>();

    public PluginsCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        PluginRegistry registry = context.loadPlugins(pluginDirectories);
        for (PluginKind kind : PluginKind.values()) {
            context.out().println(kind.heading() + ":");
            Map<String, PluginType> types = registry.types(kind);
            if (types.isEmpty()) {
                context.out().println("  (none registered)");
            }
            int width = types.keySet().stream().mapToInt(String::length).max().orElse(0);
            types.forEach((name, type) -> {
                String origin = registry.pluginJar(type).map(jar -> "  [plugin " + jar.getFileName() + "]").orElse("");
                context.out().printf("  %-" + width + "s  %s%s%n", name, type.description(), origin);
            });
            context.out().println();
        }
        context.out().flush();
        return ExitCodes.OK;
    }
}
