package org.rlhf4j.report;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The software that wrote a report: rlhf4j's version (from the build), Java's, and the ND4J backend of the writing
 * process (the run's own when {@code rlhf run} writes the report at its end).
 *
 * @param rlhf4j the project version
 * @param java the Java runtime's version and vendor
 * @param nd4jBackend the ND4J backend, e.g. {@code CpuBackend}
 * @param os the operating system and architecture
 */
public record Software(String rlhf4j, String java, String nd4jBackend, String os) {
    public Software {
        requireNonNull(rlhf4j, "rlhf4j is null");
        requireNonNull(java, "java is null");
        requireNonNull(nd4jBackend, "nd4jBackend is null");
        requireNonNull(os, "os is null");
    }

    /** This process's software, with the given ND4J backend description. */
    public static Software current(String nd4jBackend) {
        return new Software(version(), System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")",
                nd4jBackend, System.getProperty("os.name") + " " + System.getProperty("os.arch"));
    }

    /** rlhf4j's version: the build writes it into {@code version.properties} (resource filtering). */
    static String version() {
        try (InputStream in = Software.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                throw new IllegalStateException("org/rlhf4j/report/version.properties is missing from the class path");
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version");
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
