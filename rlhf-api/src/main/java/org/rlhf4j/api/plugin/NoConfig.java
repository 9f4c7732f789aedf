package org.rlhf4j.api.plugin;

/** The config class of a type that takes no settings: any key next to {@code type:} is an error. */
public record NoConfig() {}
