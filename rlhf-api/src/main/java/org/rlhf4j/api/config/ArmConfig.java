package org.rlhf4j.api.config;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One arm of an experiment: a feedback source and the algorithm that learns from it.
 *
 * @param name a unique name, used in output files (letters, digits, {@code . _ -})
 * @param feedback the feedback source: {@code {type: ..., settings...}}
 * @param algorithm the algorithm, {@code {type: ..., settings...}}; absent: only collect feedback
 */
public record ArmConfig(String name, TypedConfig feedback, Optional<TypedConfig> algorithm) {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]+");

    public ArmConfig {
        if (name == null) {
            throw new IllegalArgumentException("missing 'name'");
        }
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("name '" + name + "' may hold only letters, digits, '.', '_' and '-'");
        }
        if (feedback == null) {
            throw new IllegalArgumentException("missing 'feedback' ({type: ..., ...})");
        }
        algorithm = algorithm == null ? Optional.empty() : algorithm;
    }
}
