package org.rlhf4j.api.plugin;

/**
 * What every registered implementation ({@code type}) says about itself, whatever its kind.
 *
 * <p>The type name itself is the key it is registered under (see {@link PluginBinders}).
 */
public interface PluginType {
    /** One line, shown by {@code rlhf plugins}. */
    String description();

    /**
     * The class the {@code type}'s config sub-tree binds to (every key next to {@code type:} in YAML,
     * in snake_case); {@link NoConfig} when the type takes no settings. Bound by Jackson: a record or a
     * bean, unknown keys rejected.
     */
    default Class<?> configClass() {
        return NoConfig.class;
    }
}
