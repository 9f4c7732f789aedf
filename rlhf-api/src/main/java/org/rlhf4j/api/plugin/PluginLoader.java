package org.rlhf4j.api.plugin;

import com.google.inject.CreationException;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Module;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds every {@link RlhfModule} with {@link ServiceLoader}, on the class path and in the jars of plugin
 * directories, and builds the {@link PluginRegistry} from one Guice injector.
 */
public final class PluginLoader {
    private static final Logger LOG = LoggerFactory.getLogger(PluginLoader.class);

    private PluginLoader() {}

    /** Loads the modules on the class path and in every {@code *.jar} of the given directories. */
    public static PluginRegistry load(List<Path> pluginDirectories) {
        ClassLoader parent = RlhfModule.class.getClassLoader();
        Set<ClassLoader> pluginLoaders = new HashSet<>();
        ClassLoader loader = parent;
        List<URL> jars = new ArrayList<>();
        for (Path directory : pluginDirectories) {
            jars.addAll(jarsIn(directory));
        }
        if (!jars.isEmpty()) {
            // Not closed: classes of loaded plugins are used until the JVM exits.
            URLClassLoader pluginLoader = new URLClassLoader("rlhf-plugins", jars.toArray(URL[]::new), parent);
            pluginLoaders.add(pluginLoader);
            loader = pluginLoader;
            LOG.debug("Plugin jars: {}", jars);
        }
        return load(loader, pluginLoaders);
    }

    /** Loads the modules visible to one class loader. */
    public static PluginRegistry load(ClassLoader loader) {
        return load(loader, Set.of());
    }

    /** Builds a registry from explicit modules (tests, embedding). */
    public static PluginRegistry fromModules(List<? extends Module> modules) {
        return build(modules, Set.of());
    }

    private static PluginRegistry load(ClassLoader loader, Set<ClassLoader> pluginLoaders) {
        List<RlhfModule> modules = new ArrayList<>();
        try {
            for (RlhfModule module : ServiceLoader.load(RlhfModule.class, loader)) {
                modules.add(module);
            }
        }
        catch (ServiceConfigurationError e) {
            throw new PluginException("cannot load a plugin module: " + e.getMessage(), e);
        }
        if (modules.isEmpty()) {
            LOG.warn("No plugin modules found (no META-INF/services/{} on the class path)", RlhfModule.class.getName());
        }
        return build(modules, pluginLoaders);
    }

    private static PluginRegistry build(List<? extends Module> modules, Set<ClassLoader> pluginLoaders) {
        List<Module> all = new ArrayList<>(modules);
        all.add(binder -> {
            // Declare every registry so that a kind nobody registers is an empty map, not a missing binding.
            PluginBinders.feedbackSources(binder);
            PluginBinders.algorithms(binder);
            PluginBinders.tasks(binder);
        });
        Injector injector;
        try {
            injector = Guice.createInjector(all);
        }
        catch (CreationException e) {
            String first = e.getErrorMessages().isEmpty() ? e.getMessage()
                    : e.getErrorMessages().iterator().next().getMessage();
            throw new PluginException("cannot register plugin types: " + first, e);
        }
        List<String> names = modules.stream().map(module -> module.getClass().getName()).toList();
        return new PluginRegistry(
                injector.getInstance(PluginBinders.FEEDBACK_MAP),
                injector.getInstance(PluginBinders.ALGORITHM_MAP),
                injector.getInstance(PluginBinders.TASK_MAP),
                names,
                pluginLoaders);
    }

    private static List<URL> jarsIn(Path directory) {
        if (!Files.isDirectory(directory)) {
            throw new PluginException("plugin directory " + directory.toAbsolutePath()
                    + " does not exist or is not a directory");
        }
        try (Stream<Path> files = Files.list(directory)) {
            List<URL> urls = new ArrayList<>();
            for (Path jar : files.filter(path -> path.getFileName().toString().endsWith(".jar")).sorted().toList()) {
                urls.add(jar.toUri().toURL());
            }
            if (urls.isEmpty()) {
                LOG.warn("Plugin directory {} holds no .jar files", directory.toAbsolutePath());
            }
            return urls;
        }
        catch (MalformedURLException e) {
            throw new PluginException("bad plugin jar path in " + directory, e);
        }
        catch (IOException e) {
            throw new PluginException("cannot list plugin directory " + directory + ": " + e.getMessage(), e);
        }
    }
}
