package org.rlhf4j.experiment;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.rlhf4j.api.feedback.Comparison;
import org.rlhf4j.api.io.MetricsLog;
import org.rlhf4j.engine.checkpoint.Checkpoint;
import org.rlhf4j.engine.checkpoint.CheckpointStore;
import org.rlhf4j.engine.generation.Generator;
import org.rlhf4j.engine.model.Heads;
import org.rlhf4j.engine.model.ParamNames;
import org.rlhf4j.engine.model.TransformerConfig;
import org.rlhf4j.engine.model.TransformerWeights;
import org.rlhf4j.engine.random.Rng;
import org.rlhf4j.engine.random.Seeds;
import org.rlhf4j.engine.sft.SftRun;
import org.rlhf4j.engine.tokenizer.WordTokenizer;
import org.rlhf4j.experiment.arm.PairSampling;
import org.rlhf4j.experiment.arm.PreferenceCollection;
import org.rlhf4j.experiment.run.RunDirectory;

/**
 * Pairs for people to label, sampled from a policy checkpoint of a run: two responses per prompt, as
 * {@link PreferenceCollection} samples an arm's pairs. The policy is the newest checkpoint of SFT
 * ({@code checkpoints/}) or of an arm's policy phase ({@code checkpoints/arms/<arm>/<phase>/}; by default the
 * arm's only phase that holds a policy, not a reward or cost model), its size from {@code summary.json}'s
 * {@code policy}, its tokenizer {@code checkpoints/tokenizer.json}. The prompts are a file's lines or, by default,
 * the run's EVAL prompts (those of {@code samples.jsonl}).
 */
public final class PolicyPairs {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final TransformerWeights policy;
    private final WordTokenizer tokenizer;
    private final String source;

    private PolicyPairs(TransformerWeights policy, WordTokenizer tokenizer, String source) {
        this.policy = policy;
        this.tokenizer = tokenizer;
        this.source = source;
    }

    /**
     * Loads the policy of {@code run}: SFT's when {@code arm} is empty, else the arm's.
     *
     * @param phase the arm's phase (e.g. {@code dpo}); empty for the arm's only policy phase
     * @throws IllegalArgumentException when the run holds no such checkpoint, naming what it does hold
     */
    public static PolicyPairs load(Path run, Optional<String> arm, Optional<String> phase) throws IOException {
        PolicyPairs loaded = loadModel(run, arm, phase);
        if (!loaded.policy.heads().hasLm()) {
            throw new IllegalArgumentException(loaded.source + " holds a reward or cost model, not a policy");
        }
        return loaded;
    }

    /**
     * Loads the newest checkpoint of SFT or of an arm's phase as {@link #load} does, a policy or a scalar model (an arm's
     * {@code reward_model} or {@code cost_model} phase): for export ({@code rlhf model export}).
     */
    public static PolicyPairs loadModel(Path run, Optional<String> arm, Optional<String> phase) throws IOException {
        requireNonNull(run, "run is null");
        Path checkpoints = run.resolve(RunDirectory.CHECKPOINTS);
        Path tokenizerFile = SftRun.tokenizerFile(checkpoints);
        Path summary = run.resolve(RunDirectory.SUMMARY);
        if (!Files.isRegularFile(tokenizerFile) || !Files.isRegularFile(summary)) {
            throw new IllegalArgumentException(run + " is not a task run with a policy (no " + run.relativize(tokenizerFile)
                    + " or " + RunDirectory.SUMMARY + ")");
        }
        JsonNode size = JSON.readTree(summary.toFile()).path("policy");
        if (!size.has("vocab_size")) {
            throw new IllegalArgumentException(summary + " has no 'policy' size: the run did not get past its task build");
        }
        TransformerConfig config = TransformerConfig.of(size.get("vocab_size").asInt(), size.get("d_model").asInt(),
                size.get("n_heads").asInt(), size.get("n_layers").asInt(), size.get("max_seq_len").asInt());
        Path root = checkpoints;
        if (arm.isPresent()) {
            Path armRoot = checkpoints.resolve("arms").resolve(arm.get());
            if (!Files.isDirectory(armRoot)) {
                throw new IllegalArgumentException("run " + run + " has no checkpoints of arm '" + arm.get() + "' (arms: "
                        + children(checkpoints.resolve("arms")) + ")");
            }
            root = armRoot.resolve(phase.isPresent() ? phase.get() : policyPhase(armRoot, arm.get()));
        }
        CheckpointStore store = CheckpointStore.open(root, Integer.MAX_VALUE);
        Checkpoint checkpoint = store.loadLatest().orElseThrow(() -> new IllegalArgumentException(
                "no checkpoint in " + run.relativize(checkpoints).resolve(checkpoints.relativize(store.root()))));
        Map<String, INDArray> model = checkpoint.model();
        boolean lm = model.containsKey(ParamNames.LM_HEAD);
        Heads heads = !lm ? Heads.SCALAR : model.containsKey(ParamNames.HEAD_W) ? Heads.LM_AND_SCALAR : Heads.LM;
        TransformerWeights policy = TransformerWeights.of(config, heads, new java.util.HashMap<>(model));
        String source = "run " + run.getFileName() + ", " + (arm.isPresent() ? "arm " + arm.get() + " " + store.root().getFileName()
                : "sft") + " step " + checkpoint.step();
        return new PolicyPairs(policy, WordTokenizer.load(tokenizerFile), source);
    }

    /** The loaded model: a policy, or a scalar model from {@link #loadModel} (its weights are this object's: copy them before training). */
    public TransformerWeights policy() {
        return policy;
    }

    /** The run's word tokenizer. */
    public WordTokenizer tokenizer() {
        return tokenizer;
    }

    /** Which checkpoint this is: the run, arm or SFT, and the step. */
    public String source() {
        return source;
    }

    /** The run's EVAL prompts, in order, each once (from {@code samples.jsonl}). */
    public static List<String> runPrompts(Path run) throws IOException {
        Path samples = run.resolve(RunDirectory.SAMPLES);
        if (!Files.isRegularFile(samples)) {
            throw new IllegalArgumentException("run " + run + " has no " + RunDirectory.SAMPLES + " to take prompts from; give a prompts file");
        }
        Set<String> prompts = new LinkedHashSet<>();
        for (JsonNode line : MetricsLog.readLines(samples)) {
            prompts.add(line.path("prompt").asText());
        }
        return new ArrayList<>(prompts);
    }

    /**
     * Samples two responses to each prompt and writes them as pairs JSON Lines ({@code prompt}, {@code response_a},
     * {@code response_b}, {@code source}).
     *
     * @return how many pairs were written
     */
    public int write(List<String> prompts, int maxNewTokens, double temperature, long seed, Path out) throws IOException {
        if (prompts.isEmpty()) {
            throw new IllegalArgumentException("no prompts to sample pairs for");
        }
        List<Comparison> pairs;
        try (Generator generator = new Generator(policy)) {
            pairs = PairSampling.sample(generator, tokenizer, policy.config().maxSeqLen(), prompts, maxNewTokens, temperature,
                    new Rng(Seeds.derive(seed, "annotation-pairs")), "a prompt");
        }
        Path target = out.toAbsolutePath();
        Files.createDirectories(target.getParent());
        try (BufferedWriter writer = Files.newBufferedWriter(target, StandardCharsets.UTF_8)) {
            for (Comparison pair : pairs) {
                ObjectNode line = JSON.createObjectNode();
                line.put("prompt", pair.prompt());
                line.put("response_a", pair.responseA());
                line.put("response_b", pair.responseB());
                line.put("source", source);
                writer.write(JSON.writeValueAsString(line));
                writer.write('\n');
            }
        }
        return prompts.size();
    }

    private static String policyPhase(Path armRoot, String arm) throws IOException {
        List<String> phases = children(armRoot).stream()
                .filter(name -> !name.startsWith("reward_model") && !name.startsWith("cost_model")).toList();
        if (phases.size() != 1) {
            throw new IllegalArgumentException("arm '" + arm + "' has " + (phases.isEmpty() ? "no policy phase" : "policy phases "
                    + phases + ": name the phase") + " (its checkpoints: " + children(armRoot) + ")");
        }
        return phases.get(0);
    }

    private static List<String> children(Path directory) throws IOException {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> children = Files.list(directory)) {
            return children.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
