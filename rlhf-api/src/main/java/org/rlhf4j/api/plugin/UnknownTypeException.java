package org.rlhf4j.api.plugin;

import java.util.Collection;
import java.util.List;

/** A config names a {@code type} that no loaded plugin registered. */
public class UnknownTypeException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final PluginKind kind;
    private final String type;
    private final List<String> knownTypes;

    public UnknownTypeException(PluginKind kind, String type, Collection<String> knownTypes) {
        super("unknown " + kind.singular() + " type '" + type + "'; known " + kind.singular() + " types: "
                + (knownTypes.isEmpty() ? "(none registered)" : String.join(", ", knownTypes))
                + " (a plugin jar adds more: see --plugins)");
        this.kind = kind;
        this.type = type;
        this.knownTypes = List.copyOf(knownTypes);
    }

    public PluginKind kind() {
        return kind;
    }

    public String type() {
        return type;
    }

    public List<String> knownTypes() {
        return knownTypes;
    }
}
