package org.rlhf4j.api.config;

import static java.util.Objects.requireNonNull;

/**
 * An invalid config: the message names the file, where in it (a line, or the {@code --set} that put the
 * value there), the key path (e.g. {@code arms[0].feedback.temperature}) and the problem.
 */
public class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String file;
    private final String origin;
    private final String keyPath;
    private final String problem;

    public ConfigException(String file, String origin, String keyPath, String problem, Throwable cause) {
        super(format(file, origin, keyPath, problem), cause);
        this.file = requireNonNull(file, "file is null");
        this.origin = requireNonNull(origin, "origin is null");
        this.keyPath = requireNonNull(keyPath, "keyPath is null");
        this.problem = requireNonNull(problem, "problem is null");
    }

    private static String format(String file, String origin, String keyPath, String problem) {
        StringBuilder message = new StringBuilder("invalid config ").append(file);
        if (!origin.isEmpty()) {
            message.append(", ").append(origin);
        }
        if (!keyPath.isEmpty()) {
            message.append(", key '").append(keyPath).append('\'');
        }
        return message.append(": ").append(problem).toString();
    }

    /** The config file. */
    public String file() {
        return file;
    }

    /** Where in the file: {@code line 12, column 5}, a {@code --set} override, or empty. */
    public String origin() {
        return origin;
    }

    /** The key path, e.g. {@code arms[0].feedback.temperature}; empty for the whole file. */
    public String keyPath() {
        return keyPath;
    }

    /** What is wrong. */
    public String problem() {
        return problem;
    }
}
