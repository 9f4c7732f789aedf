package org.rlhf4j.experiment.arm;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.rlhf4j.algorithms.preference.LabelledPair;
import org.rlhf4j.api.config.ArmPlan;
import org.rlhf4j.api.config.PreferencesConfig;
import org.rlhf4j.api.feedback.FeedbackSource;
import org.rlhf4j.api.feedback.Preference;
import org.rlhf4j.api.io.DurableFiles;
import org.rlhf4j.api.task.Split;
import org.rlhf4j.engine.model.TransformerWeights;
import org.rlhf4j.engine.random.Rng;
import org.rlhf4j.engine.random.Seeds;
import org.rlhf4j.experiment.run.RunDirectory;

/**
 * The preferences stage of an arm's round: the pairs its feedback source labels on the current policy's samples
 * ({@link PreferenceCollection}), or takes from its own dataset ({@code human-dataset} with {@code mode: pairs}), split
 * into training pairs and a seeded {@code heldout_fraction} of held-out pairs. On resume the round's pairs are read back
 * when all were written, and collected again (the same, being seeded) otherwise, and always for a source that learns
 * from the policy (its labelling was its warm-up: collecting again rebuilds its state).
 */
final class PreferenceStage {
    private final RunContext run;

    PreferenceStage(RunContext run) {
        this.run = requireNonNull(run, "run is null");
    }

    /** The pairs of {@code round}, labelled by {@code source} on samples of {@code policy}. */
    RoundPairs pairs(ArmPlan arm, FeedbackSource source, ArmRound round, TransformerWeights policy) throws IOException {
        List<LabelledPair> labelled = collect(arm, source, round, policy);
        List<List<LabelledPair>> split = split(labelled, arm.config().preferences(), round.seed());
        return new RoundPairs(labelled, split.get(0), split.get(1));
    }

    /** The round's pairs: read back when resuming and all were written, else collected. */
    private List<LabelledPair> collect(ArmPlan arm, FeedbackSource source, ArmRound round, TransformerWeights policy)
            throws IOException {
        int collectionRound = round.collectionRound();
        PreferenceCollection collection = new PreferenceCollection(arm.name(), arm.config().preferences(), run.encoder().tokenizer(),
                run.task().goldScorer(), run.task().prompts(Split.TRAIN), Seeds.derive(round.seed(), "preferences"), run.run(),
                run.log()).onBatch(run.progress());
        if (collectionRound > 0) {
            collection.inRound(collectionRound);
        }
        Optional<List<Preference>> dataset = source.datasetPreferences();
        if (dataset.isPresent()) {
            return collection.fromDataset(dataset.get(), arm.feedbackType());
        }
        // a learning source learnt while it labelled: collect again (seeded, so the same lines) to get its state back; a
        // source that only counts its work (a judge) gets its state from the file saved after labelling, or, when the run
        // died between the last line and that file, collects again too
        Path stateFile = sourceStateFile(arm.name(), collectionRound);
        if (run.resume() && !source.learnsFromPolicy()) {
            Optional<List<LabelledPair>> done = collection.completed();
            boolean stateful = source.saveState().length > 0;
            if (done.isPresent() && (!stateful || Files.exists(stateFile))) {
                if (stateful) {
                    source.restoreState(Files.readAllBytes(stateFile));
                }
                run.say("Arm %s: %d preferences%s read back from %s", arm.name(), done.get().size(),
                        collectionRound > 0 ? " of round " + collectionRound : "", RunDirectory.PREFERENCES);
                return done.get();
            }
        }
        List<LabelledPair> collected = collection.collect(policy, source, arm.feedbackType());
        byte[] state = source.saveState();
        if (state.length > 0 && !source.learnsFromPolicy()) {
            Files.createDirectories(stateFile.getParent());
            DurableFiles.write(stateFile, state);
        }
        return collected;
    }

    /** A source's state after it labelled: {@code checkpoints/arms/<arm>/[round-r/]preferences/source-state.bin}. */
    private Path sourceStateFile(String arm, int round) {
        return run.run().checkpointRoot().resolve("arms").resolve(arm)
                .resolve(round > 1 ? "round-" + round + "/preferences" : "preferences").resolve("source-state.bin");
    }

    /** Training and held-out pairs: a seeded {@code heldout_fraction} of the pairs is held out. */
    static List<List<LabelledPair>> split(List<LabelledPair> all, PreferencesConfig config, long seed) {
        int heldOutCount = (int) Math.floor(all.size() * config.heldoutFraction());
        int[] order = new Rng(Seeds.derive(seed, "heldout")).permutation(all.size());
        boolean[] heldOut = new boolean[all.size()];
        for (int i = 0; i < heldOutCount; i++) {
            heldOut[order[i]] = true;
        }
        List<LabelledPair> train = new ArrayList<>();
        List<LabelledPair> held = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            (heldOut[i] ? held : train).add(all.get(i));
        }
        return List.of(train, held);
    }
}
