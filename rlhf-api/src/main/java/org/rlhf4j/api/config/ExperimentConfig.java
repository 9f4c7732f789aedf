package org.rlhf4j.api.config;

import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The top of an experiment config file.
 *
 * @param name the experiment's name (default output directory {@code <output>/<name>-<timestamp>})
 * @param seed the experiment seed (default {@value #DEFAULT_SEED})
 * @param task the built-in or plugin task, {@code {type: ...}}; optional
 * @param output the directory that run directories are created in (default {@value #DEFAULT_OUTPUT})
 * @param data the input data
 * @param batchSize how many comparisons go to a feedback source per call (default {@value #DEFAULT_BATCH_SIZE})
 * @param arms the arms, at least one, with unique names
 */
public record ExperimentConfig(
        String name,
        Long seed,
        Optional<TypedConfig> task,
        String output,
        DataConfig data,
        Integer batchSize,
        List<ArmConfig> arms) {
    public static final long DEFAULT_SEED = 42;
    public static final String DEFAULT_OUTPUT = "runs";
    public static final int DEFAULT_BATCH_SIZE = 16;

    public ExperimentConfig {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("missing 'name'");
        }
        seed = seed == null ? DEFAULT_SEED : seed;
        task = task == null ? Optional.empty() : task;
        output = output == null ? DEFAULT_OUTPUT : output;
        if (data == null) {
            throw new IllegalArgumentException("missing 'data' ({comparisons: file.jsonl})");
        }
        batchSize = batchSize == null ? DEFAULT_BATCH_SIZE : batchSize;
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch_size must be >= 1, got " + batchSize);
        }
        if (arms == null || arms.isEmpty()) {
            throw new IllegalArgumentException("missing 'arms' (a list of {name, feedback, algorithm})");
        }
        arms = List.copyOf(arms);
        Set<String> names = new HashSet<>();
        for (ArmConfig arm : arms) {
            if (!names.add(arm.name())) {
                throw new IllegalArgumentException("two arms are named '" + arm.name() + "'");
            }
        }
    }
}
