package org.rlhf4j.api.config;

import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The top of an experiment config file.
 *
 * <p>Two kinds of experiment share it:
 * <ul>
 *   <li>a <b>labelling</b> experiment ({@code data} and {@code arms}): every arm's feedback source labels the
 *       comparisons of {@code data}; a {@code task}, if given, lends its gold scorer to
 *       {@code simulated-annotators} with {@code scorer: task};</li>
 *   <li>a <b>task</b> experiment ({@code task} without {@code data}): the task's corpus, a tokenizer, an SFT
 *       policy ({@code policy}, {@code sft}) and its evaluation on the task's EVAL prompts
 *       ({@code evaluation}); then each of its {@code arms}, if any, turns feedback on the SFT policy's
 *       responses into preferences, reward and cost models and a trained policy, evaluated like SFT.</li>
 * </ul>
 *
 * @param name the experiment's name (default output directory {@code <output>/<name>-<timestamp>})
 * @param seed the experiment seed (default {@value #DEFAULT_SEED})
 * @param task the built-in or plugin task, {@code {type: ...}}; required unless {@code data} is given
 * @param output the directory that run directories are created in (default {@value #DEFAULT_OUTPUT})
 * @param data the comparisons to label (labelling experiments)
 * @param batchSize how many comparisons go to a feedback source per call (default {@value #DEFAULT_BATCH_SIZE})
 * @param arms the arms, with unique names; at least one in a labelling experiment, any number in a task
 *     experiment
 * @param policy the policy network of a task experiment (defaults: {@link PolicyConfig#defaults()})
 * @param sft the SFT settings of a task experiment (defaults: {@link SftConfig#defaults()})
 * @param evaluation the evaluation settings of a task experiment (defaults: {@link EvaluationConfig#defaults()})
 */
public record ExperimentConfig(
        String name,
        Long seed,
        Optional<TypedConfig> task,
        String output,
        Optional<DataConfig> data,
        Integer batchSize,
        List<ArmConfig> arms,
        PolicyConfig policy,
        SftConfig sft,
        EvaluationConfig evaluation) {
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
        data = data == null ? Optional.empty() : data;
        batchSize = batchSize == null ? DEFAULT_BATCH_SIZE : batchSize;
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch_size must be >= 1, got " + batchSize);
        }
        arms = arms == null ? List.of() : List.copyOf(arms);
        if (data.isEmpty() && task.isEmpty()) {
            throw new IllegalArgumentException("missing 'task' ({type: reviews}: a task experiment) or 'data' and 'arms' "
                    + "(a labelling experiment)");
        }
        if (data.isPresent() && arms.isEmpty()) {
            throw new IllegalArgumentException("missing 'arms' (a list of {name, feedback, algorithm})");
        }
        boolean taskSettings = (policy != null && !policy.equals(PolicyConfig.defaults()))
                || (sft != null && !sft.equals(SftConfig.defaults()))
                || (evaluation != null && !evaluation.equals(EvaluationConfig.defaults()));
        if (data.isPresent() && taskSettings) {
            throw new IllegalArgumentException("'policy', 'sft' and 'evaluation' belong to a task experiment "
                    + "('task' without 'data')");
        }
        policy = policy == null ? PolicyConfig.defaults() : policy;
        sft = sft == null ? SftConfig.defaults() : sft;
        evaluation = evaluation == null ? EvaluationConfig.defaults() : evaluation;
        Set<String> names = new HashSet<>();
        Set<String> labelling = new HashSet<>();
        Set<String> rewardModels = new HashSet<>();
        Set<String> costModels = new HashSet<>();
        for (ArmConfig arm : arms) {
            if (!names.add(arm.name())) {
                throw new IllegalArgumentException("two arms are named '" + arm.name() + "'");
            }
            if (data.isPresent() && (arm.preferences().reused() || arm.rewardModel().isPresent() || arm.costModel().isPresent()
                    || !arm.preferences().equals(PreferencesConfig.defaults()) || arm.rounds() > 1)) {
                throw new IllegalArgumentException("arm '" + arm.name() + "': 'preferences', 'reward_model', 'cost_model' and "
                        + "'rounds' belong to a task experiment ('task' without 'data')");
            }
            if (arm.preferences().reused() && !labelling.contains(arm.preferences().from())) {
                throw new IllegalArgumentException("arm '" + arm.name() + "': 'preferences.from' must name an earlier arm with "
                        + "a feedback source, got '" + arm.preferences().from() + "'");
            }
            reusedModel(arm, "reward_model", arm.rewardModel(), rewardModels);
            reusedModel(arm, "cost_model", arm.costModel(), costModels);
            if (arm.feedback().isPresent()) {
                labelling.add(arm.name());
            }
        }
    }

    /** Checks that a reused model names an earlier arm that trained one; records an arm that trains one. */
    private static void reusedModel(ArmConfig arm, String key, Optional<RewardModelConfig> model, Set<String> trained) {
        if (model.isPresent() && model.get().reused() && !trained.contains(model.get().from())) {
            throw new IllegalArgumentException("arm '" + arm.name() + "': '" + key + ".from' must name an earlier arm that trains a "
                    + key + ", got '" + model.get().from() + "'");
        }
        if (model.isPresent() && !model.get().reused()) {
            trained.add(arm.name());
        }
    }

    /** True for a task experiment (a {@code task} and no {@code data}): build the task, SFT, evaluate. */
    public boolean isTaskExperiment() {
        return task.isPresent() && data.isEmpty();
    }
}
