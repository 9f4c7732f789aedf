package org.rlhf4j.feedback.human.annotate;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The web app in a child JVM ({@link ServerChild}) that a test can kill with SIGKILL; its output goes to a log file. */
final class ServerProcess implements AutoCloseable {
    private final Process process;
    private final int port;

    private ServerProcess(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** Starts a child serving {@code store} on a free loopback port, logging at {@code logLevel} to {@code log}. */
    static ServerProcess start(Path store, Path log, String logLevel) throws IOException, InterruptedException {
        Path portFile = store.resolve("port");
        Files.deleteIfExists(portFile);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx256m",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=" + logLevel, "-cp", System.getProperty("java.class.path"),
                ServerChild.class.getName(), store.toString()));
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.exists(portFile)) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                process.destroyForcibly();
                throw new AssertionError("the server child did not start: " + Files.readString(log));
            }
            Thread.sleep(20);
        }
        return new ServerProcess(process, Integer.parseInt(Files.readString(portFile).trim()));
    }

    int port() {
        return port;
    }

    /** SIGKILL: the JVM gets no chance to close anything. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            throw new AssertionError("the server child did not die");
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            try {
                kill();
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
    }
}
