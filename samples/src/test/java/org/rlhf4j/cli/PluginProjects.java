package org.rlhf4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Builds a plugin the way its author would: a separate Maven project, whose files come from a section of the docs, built
 * with {@code mvn package} against the rlhf4j jars of this very build (never a stale install in the local repository).
 *
 * <p>The project builds with a local repository of its own: this build's {@code rlhf4j-parent}, {@code rlhf-api},
 * {@code rlhf-engine} and {@code rlhf-algorithms} (jar and pom, from the reactor's {@code target} folders), beside links to
 * every other group of the user's local repository (Guice, Jackson, ND4J, Maven's plugins), so that it needs no
 * {@code mvn install} and downloads nothing this build did not already fetch.
 */
final class PluginProjects {
    private static final Pattern FILE = Pattern.compile("\\*\\*`([^`]+)`\\*\\*[^\\n]*\\n\\n```[a-z]*\\n(.*?)\\n```\\n",
            Pattern.DOTALL);
    private static final String VERSION = "0.1.0-SNAPSHOT";
    /** Our modules a plugin may build against: the parent pom first. */
    private static final List<String> MODULES = List.of("rlhf-api", "rlhf-engine", "rlhf-algorithms");

    private PluginProjects() {}

    /** The files of the docs section headed {@code heading} in {@code page}: each a bold path, a blank line and a code block. */
    static Map<String, String> files(Path page, String heading) throws IOException {
        String text = Files.readString(page);
        int start = text.indexOf(heading);
        assertTrue(start >= 0, page + " has no section '" + heading + "'");
        int end = text.indexOf("\n## ", start);
        int next = text.indexOf("\n#### ", start + heading.length());
        if (next >= 0 && (end < 0 || next < end)) {
            end = next;
        }
        Matcher matcher = FILE.matcher(text.substring(start, end < 0 ? text.length() : end + 1));
        Map<String, String> files = new LinkedHashMap<>();
        while (matcher.find()) {
            files.put(matcher.group(1), matcher.group(2) + "\n");
        }
        return files;
    }

    /**
     * Writes {@code files} as a project in {@code directory}, builds it with {@code mvn package} and returns
     * {@code target/<jar>}.
     */
    static Path build(Map<String, String> files, Path directory, String jar) throws IOException, InterruptedException {
        String mavenHome = System.getProperty("rlhf4j.mavenHome", "");
        Path mvn = Path.of(mavenHome, "bin", System.getProperty("os.name").startsWith("Windows") ? "mvn.cmd" : "mvn");
        assertTrue(!mavenHome.isEmpty() && Files.isExecutable(mvn), "no Maven to build the plugin with (" + mvn
                + "): run the tests through Maven, which sets rlhf4j.mavenHome");
        Path userRepository = Path.of(System.getProperty("rlhf4j.localRepository", ""));
        assertTrue(Files.isDirectory(userRepository), "no local repository: " + userRepository);

        Path project = directory.resolve("project");
        for (Map.Entry<String, String> file : files.entrySet()) {
            Path path = project.resolve(file.getKey());
            Files.createDirectories(path.getParent());
            Files.writeString(path, file.getValue());
        }
        Path repository = repository(directory.resolve("m2"), userRepository);
        List<String> command = List.of(mvn.toString(), "-B", "-q", "-Dmaven.repo.local=" + repository, "package");
        Path log = directory.resolve("build.log");
        Process process = new ProcessBuilder(command).directory(project.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
            process.destroyForcibly().waitFor();
            throw new AssertionError("building the plugin took over 5 minutes: " + Files.readString(log));
        }
        assertEquals(0, process.exitValue(), "mvn package of the plugin failed:\n" + Files.readString(log, StandardCharsets.UTF_8));
        Path built = project.resolve("target").resolve(jar);
        assertTrue(Files.isRegularFile(built), "no " + built);
        return built;
    }

    /** A local repository: this build's rlhf4j artifacts, and links to every other group of {@code user}. */
    private static Path repository(Path repository, Path user) throws IOException {
        Path reactor = Path.of(System.getProperty("basedir", System.getProperty("user.dir"))).toAbsolutePath().getParent();
        Path ours = repository.resolve("org").resolve("rlhf4j");
        Files.createDirectories(ours);
        link(user, repository, "org");
        link(user.resolve("org"), repository.resolve("org"), "rlhf4j");
        install(ours, "rlhf4j-parent", reactor.resolve("pom.xml"), null);
        for (String module : MODULES) {
            install(ours, module, reactor.resolve(module).resolve("pom.xml"),
                    reactor.resolve(module).resolve("target").resolve(module + "-" + VERSION + ".jar"));
        }
        return repository;
    }

    /** Links every entry of {@code from} but {@code except} into {@code to}. */
    private static void link(Path from, Path to, String except) throws IOException {
        if (!Files.isDirectory(from)) {
            return;
        }
        try (Stream<Path> entries = Files.list(from)) {
            for (Path entry : (Iterable<Path>) entries::iterator) {
                if (!entry.getFileName().toString().equals(except)) {
                    Files.createSymbolicLink(to.resolve(entry.getFileName().toString()), entry);
                }
            }
        }
    }

    /** Puts a module's pom (and jar) where a local repository holds an installed artifact. */
    private static void install(Path group, String artifact, Path pom, Path jar) throws IOException {
        Path folder = Files.createDirectories(group.resolve(artifact).resolve(VERSION));
        Files.copy(pom, folder.resolve(artifact + "-" + VERSION + ".pom"));
        if (jar != null) {
            assertTrue(Files.isRegularFile(jar), jar + " is missing: the plugin builds against this build's jars, so package "
                    + "every module in the same run (mvn -B verify at the root)");
            Files.copy(jar, folder.resolve(artifact + "-" + VERSION + ".jar"));
        }
    }
}
