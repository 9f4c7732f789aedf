package org.rlhf4j.api.config;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.List;

/**
 * A fully validated experiment: the config, where it came from, and every arm resolved.
 *
 * @param file the config file
 * @param config the bound config
 * @param arms the arms, in config order
 */
public record ExperimentPlan(Path file, ExperimentConfig config, List<ArmPlan> arms) {
    public ExperimentPlan {
        requireNonNull(file, "file is null");
        requireNonNull(config, "config is null");
        arms = List.copyOf(arms);
    }

    /** The directory relative paths in the config resolve against. */
    public Path baseDirectory() {
        Path parent = file.toAbsolutePath().getParent();
        return parent == null ? Path.of("").toAbsolutePath() : parent;
    }

    /** The comparisons file, resolved against the config's directory. */
    public Path comparisonsFile() {
        return baseDirectory().resolve(config.data().comparisons()).normalize();
    }
}
