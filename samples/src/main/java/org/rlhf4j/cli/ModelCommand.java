package org.rlhf4j.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.rlhf4j.bench.CheckpointBench;
import org.rlhf4j.engine.hf.CheckpointFormatException;
import org.rlhf4j.engine.hf.Gpt2Checkpoint;
import org.rlhf4j.engine.hf.RandomGpt2;
import org.rlhf4j.experiment.PolicyPairs;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code rlhf model random|bench|export|score}: Hugging Face checkpoints. {@code random} writes a random-weight GPT-2-shaped
 * checkpoint (so everything runs offline), {@code bench} times a checkpoint's import, a DPO step and a generation pass
 * with their peak memory, {@code export} writes a run's policy as a checkpoint {@code transformers} loads, {@code score}
 * writes the engine's log-probs of a run's EVAL responses for {@code bench/gpt2_reference.py compare} to reproduce.
 */
@Command(name = "model", mixinStandardHelpOptions = true,
        description = "Hugging Face GPT-2 checkpoints: write a random one, time one, export a run's policy as one.",
        subcommands = {ModelCommand.Random.class, ModelCommand.Bench.class, ModelCommand.Export.class, ModelCommand.Score.class})
public final class ModelCommand implements Callable<Integer> {
    private final CliContext context;

    public ModelCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        context.err().println("rlhf model: missing sub-command: random, bench, export or score (see rlhf model --help)");
        context.err().flush();
        return ExitCodes.USAGE;
    }

    /** A run's newest policy (SFT's without {@code arm}) or, with {@code scalarToo}, reward or cost model; a usage error if none. */
    static PolicyPairs runModel(Path run, String arm, String phase, boolean scalarToo) throws IOException {
        try {
            return scalarToo ? PolicyPairs.loadModel(run, Optional.ofNullable(arm), Optional.ofNullable(phase))
                    : PolicyPairs.load(run, Optional.ofNullable(arm), Optional.ofNullable(phase));
        }
        catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    /** {@code rlhf model random --shape gpt2-small --out DIR [--seed N]}. */
    @Command(name = "random", mixinStandardHelpOptions = true,
            description = "Write a random-weight GPT-2-shaped checkpoint (config.json, model.safetensors, a byte-level BPE tokenizer.json).")
    static final class Random implements Callable<Integer> {
        @picocli.CommandLine.ParentCommand
        ModelCommand parent;

        @Option(names = "--shape", defaultValue = "gpt2-small", description = "gpt2-small, distilgpt2 or tiny (default ${DEFAULT-VALUE}).")
        String shape;

        @Option(names = "--out", required = true, description = "The checkpoint directory to write.")
        Path out;

        @Option(names = "--seed", defaultValue = "1", description = "The weights' seed (default ${DEFAULT-VALUE}).")
        long seed;

        @Override
        public Integer call() throws IOException {
            long started = System.nanoTime();
            long params;
            try {
                params = RandomGpt2.write(out, RandomGpt2.shape(shape), seed);
            }
            catch (IllegalArgumentException e) {
                throw new UsageException(e.getMessage());
            }
            parent.context.out().printf("wrote %s: random-weight %s, %,d parameters, in %.1f s%n", out, shape, params,
                    (System.nanoTime() - started) / 1e9);
            parent.context.out().flush();
            return ExitCodes.OK;
        }
    }

    /** {@code rlhf model bench DIR [--pairs N] [--tokens N] [--rows N] [--steps N]}. */
    @Command(name = "bench", mixinStandardHelpOptions = true,
            description = "Time a checkpoint's import, one DPO step and one generation pass, with peak memory (JSON on stdout).")
    static final class Bench implements Callable<Integer> {
        @picocli.CommandLine.ParentCommand
        ModelCommand parent;

        @Parameters(index = "0", paramLabel = "DIR", description = "The checkpoint directory.")
        Path directory;

        @Option(names = "--pairs", defaultValue = "4", description = "Preference pairs of the DPO step (default ${DEFAULT-VALUE}).")
        int pairs;

        @Option(names = "--tokens", defaultValue = "128", description = "Tokens per sequence, and the context (default ${DEFAULT-VALUE}).")
        int tokens;

        @Option(names = "--rows", defaultValue = "4", description = "Rows of the generation pass (default ${DEFAULT-VALUE}).")
        int rows;

        @Option(names = "--steps", defaultValue = "2", description = "Timed DPO steps after one warm-up step (default ${DEFAULT-VALUE}).")
        int steps;

        @Override
        public Integer call() throws IOException {
            Map<String, Object> figures;
            try (PrintStream log = new PrintStream(System.err, true, StandardCharsets.UTF_8)) {
                figures = CheckpointBench.run(directory, new CheckpointBench.Settings(pairs, tokens, rows, steps, 1), log);
            }
            catch (CheckpointFormatException e) {
                throw new UsageException(e.getMessage());
            }
            parent.context.out().println(new com.fasterxml.jackson.databind.ObjectMapper().writerWithDefaultPrettyPrinter()
                    .writeValueAsString(figures));
            parent.context.out().flush();
            return ExitCodes.OK;
        }
    }

    /** {@code rlhf model export RUN_DIR --out DIR [--arm ARM] [--phase PHASE]}: a policy, or a reward or cost model. */
    @Command(name = "export", mixinStandardHelpOptions = true,
            description = "Write a run's policy (SFT's, or an arm's) or an arm's reward or cost model (--phase reward_model) as a GPT-2 "
                    + "checkpoint (GPT2LMHeadModel, or GPT2ForSequenceClassification with one label) with a WordLevel tokenizer.json.")
    static final class Export implements Callable<Integer> {
        @picocli.CommandLine.ParentCommand
        ModelCommand parent;

        @Parameters(index = "0", paramLabel = "RUN_DIR", description = "The run directory (the --out of rlhf run).")
        Path run;

        @Option(names = "--out", required = true, description = "The checkpoint directory to write.")
        Path out;

        @Option(names = "--arm", description = "The arm whose policy to export (default: SFT's).")
        String arm;

        @Option(names = "--phase", description = "The arm's phase, where it has several (e.g. dpo, reward_model, cost_model).")
        String phase;

        @Override
        public Integer call() throws IOException {
            PolicyPairs loaded = runModel(run, arm, phase, true);
            Gpt2Checkpoint.write(out, loaded.policy(), loaded.tokenizer());
            parent.context.out().printf("exported %s (%s) to %s%n", loaded.source(), loaded.policy().numParams() + " parameters", out);
            parent.context.out().flush();
            return ExitCodes.OK;
        }
    }

    /** {@code rlhf model score RUN_DIR --arm ARM --out FILE [--limit N]}. */
    @Command(name = "score", mixinStandardHelpOptions = true,
            description = "Write the engine's log-prob of every token of an arm's EVAL responses (samples.jsonl) as JSON Lines.")
    static final class Score implements Callable<Integer> {
        @picocli.CommandLine.ParentCommand
        ModelCommand parent;

        @Parameters(index = "0", paramLabel = "RUN_DIR", description = "The run directory (the --out of rlhf run).")
        Path run;

        @Option(names = "--arm", required = true, description = "The arm whose policy and samples to score.")
        String arm;

        @Option(names = "--phase", description = "The arm's phase, where it has several.")
        String phase;

        @Option(names = "--out", required = true, description = "The JSON Lines file to write.")
        Path out;

        @Option(names = "--limit", defaultValue = "64", description = "The most responses to score (default ${DEFAULT-VALUE}).")
        int limit;

        @Override
        public Integer call() throws IOException {
            PolicyPairs loaded = runModel(run, arm, phase, false);
            int written = ResponseLogProbs.write(loaded.policy(), loaded.tokenizer(), run.resolve("samples.jsonl"), arm, limit, out);
            parent.context.out().printf("scored %d responses of arm %s (%s) into %s%n", written, arm, loaded.source(), out);
            parent.context.out().flush();
            return ExitCodes.OK;
        }
    }
}
