package org.rlhf4j.api.config;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A config as a JSON tree plus where each key came from (a line of the file or a {@code --set}), so
 * binding errors can point at their source.
 */
public final class ConfigTree {
    private final Path file;
    private final ObjectNode root;
    private final Map<String, String> origins;

    ConfigTree(Path file, ObjectNode root, Map<String, String> origins) {
        this.file = requireNonNull(file, "file is null");
        this.root = requireNonNull(root, "root is null");
        this.origins = new HashMap<>(origins);
    }

    /** The config file. */
    public Path file() {
        return file;
    }

    /** The tree (mutable: overrides are applied to it before binding). */
    public ObjectNode root() {
        return root;
    }

    /** Where the value at {@code path} (or its nearest ancestor with a known origin) came from. */
    String origin(ConfigPath path) {
        ConfigPath current = path;
        while (true) {
            String origin = origins.get(current.pointer());
            if (origin != null) {
                return origin;
            }
            if (current.isRoot()) {
                return "";
            }
            current = current.parent();
        }
    }

    /** Records that a {@code --set} replaced the value at {@code path}, forgetting the lines below it. */
    void overridden(ConfigPath path, String origin) {
        String pointer = path.pointer();
        origins.keySet().removeIf(key -> key.equals(pointer) || key.startsWith(pointer + "/"));
        origins.put(pointer, origin);
    }

    /** An error about the value at {@code path}. */
    ConfigException error(ConfigPath path, String problem, Throwable cause) {
        return new ConfigException(file.toString(), origin(path), path.toString(), problem, cause);
    }
}
