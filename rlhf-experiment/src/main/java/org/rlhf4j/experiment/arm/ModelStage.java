package org.rlhf4j.experiment.arm;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.rlhf4j.algorithms.preference.LabelledPair;
import org.rlhf4j.algorithms.reward.ScalarModels;
import org.rlhf4j.algorithms.rewardmodel.PairObjective;
import org.rlhf4j.algorithms.rewardmodel.ScalarModelTrainer;
import org.rlhf4j.algorithms.rewardmodel.ScalarPair;
import org.rlhf4j.api.config.ArmPlan;
import org.rlhf4j.api.config.RewardModelConfig;
import org.rlhf4j.api.feedback.Choice;
import org.rlhf4j.api.feedback.SafetyLabel;
import org.rlhf4j.engine.model.TransformerWeights;
import org.rlhf4j.engine.random.Seeds;
import org.rlhf4j.engine.tokenizer.SequenceEncoder;

/**
 * The models stage of an arm's round: its reward and cost models, reused from an earlier arm
 * ({@code reward_model: {from: ARM}}) or trained from the SFT backbone on the training pairs so far
 * ({@link ScalarModelTrainer}, checkpointed per phase) and measured on the held-out pairs against gold
 * ({@link ArmReports}) into the summary's {@code reward_model} and {@code cost_model}.
 */
final class ModelStage {
    private final RunContext run;
    private final ArmReports reports;

    ModelStage(RunContext run, ArmReports reports) {
        this.run = requireNonNull(run, "run is null");
        this.reports = requireNonNull(reports, "reports is null");
    }

    /**
     * The arm's models of {@code round}, trained on {@code train} and measured on {@code heldOut} (the summary keeps the
     * last round's report; warnings come only from the last round).
     */
    ArmModels models(ArmPlan arm, ArmRound round, Optional<RewardModelConfig> rewardModelConfig, List<LabelledPair> train,
            List<LabelledPair> heldOut, Map<String, ArmOutcome> earlier, ObjectNode summary, List<String> warnings) throws IOException {
        String name = arm.name();
        List<String> roundWarnings = round.number() == round.of() ? warnings : new ArrayList<>();
        Optional<ScalarModels> rewardModel = Optional.empty();
        if (rewardModelConfig.isPresent() && rewardModelConfig.get().reused()) {
            String from = rewardModelConfig.get().from();
            rewardModel = earlier.get(from).rewardModel();
            summary.put("reward_model_from", from);
        }
        else if (rewardModelConfig.isPresent()) {
            RewardModelConfig config = rewardModelConfig.get();
            List<TransformerWeights> members = ScalarModelTrainer.train(run.sft(), rewardPairs(train, run.encoder()), config,
                    PairObjective.reward(config), setting(name, "reward_model", round));
            rewardModel = Optional.of(scalarModels("reward-model", members, config));
            summary.set("reward_model", reports.rewardModel(rewardModel.get(), heldOut, roundWarnings, name));
        }
        Optional<ScalarModels> costModel = Optional.empty();
        Optional<RewardModelConfig> costModelConfig = arm.config().costModel();
        if (costModelConfig.isPresent() && costModelConfig.get().reused()) {
            String from = costModelConfig.get().from();
            costModel = earlier.get(from).costModel();
            summary.put("cost_model_from", from);
        }
        else if (costModelConfig.isPresent()) {
            RewardModelConfig config = costModelConfig.get();
            List<ScalarPair> pairs = costPairs(train, run.encoder());
            if (pairs.isEmpty()) {
                throw new IllegalStateException("arm '" + name + "': cost_model needs safety labels, and feedback "
                        + summary.get("feedback").asText() + " gave none (a source that judges safety, e.g. "
                        + "simulated-annotators with scorer: task on a task with a gold cost)");
            }
            List<TransformerWeights> members = ScalarModelTrainer.train(run.sft(), pairs, config, PairObjective.cost(config),
                    setting(name, "cost_model", round));
            costModel = Optional.of(scalarModels("cost-model", members, config));
            summary.set("cost_model", reports.costModel(costModel.get(), heldOut, roundWarnings, name));
        }
        return new ArmModels(rewardModel, costModel);
    }

    private ScalarModels scalarModels(String name, List<TransformerWeights> members, RewardModelConfig config) {
        return new ScalarModels(name, members, run.encoder(), config.conservative(), config.pooling() == RewardModelConfig.Pooling.MEAN,
                run.workers());
    }

    /** Reward-model pairs: chosen first, target 1 (0.5 for a tie). */
    static List<ScalarPair> rewardPairs(List<LabelledPair> pairs, SequenceEncoder encoder) {
        List<ScalarPair> out = new ArrayList<>(pairs.size());
        for (LabelledPair pair : pairs) {
            out.add(new ScalarPair(encoder.encode(pair.prompt(), pair.chosen()), encoder.encode(pair.prompt(), pair.rejected()),
                    pair.tie() ? 0.5 : 1.0, 0, 0));
        }
        return out;
    }

    /** Cost-model pairs of the pairs with a safety label: safer first, signs from the per-response verdicts. */
    static List<ScalarPair> costPairs(List<LabelledPair> pairs, SequenceEncoder encoder) {
        List<ScalarPair> out = new ArrayList<>();
        for (LabelledPair pair : pairs) {
            if (pair.safety().isEmpty()) {
                continue;
            }
            SafetyLabel safety = pair.safety().get();
            boolean bSafer = safety.safer() == Choice.B;
            String safer = bSafer ? pair.responseB() : pair.responseA();
            String unsafer = bSafer ? pair.responseA() : pair.responseB();
            Optional<Boolean> saferSafe = bSafer ? safety.responseBSafe() : safety.responseASafe();
            Optional<Boolean> unsaferSafe = bSafer ? safety.responseASafe() : safety.responseBSafe();
            out.add(new ScalarPair(encoder.encode(pair.prompt(), safer), encoder.encode(pair.prompt(), unsafer),
                    safety.safer() == Choice.TIE ? 0 : 1, sign(saferSafe), sign(unsaferSafe)));
        }
        return out;
    }

    private static double sign(Optional<Boolean> safe) {
        return safe.map(s -> s ? -1.0 : 1.0).orElse(0.0);
    }

    private ScalarModelTrainer.Setting setting(String arm, String phase, ArmRound round) {
        return new ScalarModelTrainer.Setting(arm, phase, Seeds.derive(round.seed(), phase), run.workers(), run.resume(),
                round.sink(), p -> run.run().armCheckpoints(arm, round.phase(p)), run.configJson(), run.log(), run.progress());
    }
}
