package org.rlhf4j.experiment.arm;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import org.rlhf4j.algorithms.preference.LabelledPair;
import org.rlhf4j.algorithms.reward.ScalarModels;
import org.rlhf4j.algorithms.spi.ArmTraining;
import org.rlhf4j.api.feedback.Choice;
import org.rlhf4j.api.feedback.SafetyLabel;
import org.rlhf4j.api.task.GoldScorer;
import org.rlhf4j.experiment.eval.Correlation;
import org.rlhf4j.experiment.eval.Evaluation;
import org.rlhf4j.experiment.eval.PolicySample;

/**
 * What an arm reports about its feedback and its models, measured against the task's gold scorer (which no learner
 * sees): how the preference labels agree with gold, and each reward and cost model's held-out accuracy; a weak one
 * adds a warning.
 */
final class ArmReports {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final GoldScorer gold;
    private final List<PolicySample> sftSamples;

    /**
     * @param gold the task's gold scorer
     * @param sftSamples the SFT policy's evaluation samples (a reward model's rank correlation with gold on them)
     */
    ArmReports(GoldScorer gold, List<PolicySample> sftSamples) {
        this.gold = requireNonNull(gold, "gold is null");
        this.sftSamples = List.copyOf(sftSamples);
    }

    /** How the labels agree with gold: ties, agreement of strict labels with gold reward, of safety labels with gold cost. */
    ObjectNode preferences(List<LabelledPair> pairs, List<String> warnings, String arm) {
        long ties = 0;
        long agree = 0;
        long judged = 0;
        long safeAgree = 0;
        long safeJudged = 0;
        for (LabelledPair pair : pairs) {
            double a = gold.reward(pair.prompt(), pair.responseA());
            double b = gold.reward(pair.prompt(), pair.responseB());
            if (pair.tie()) {
                ties++;
            }
            else if (a != b) {
                judged++;
                agree += (pair.better() == Choice.A) == (a > b) ? 1 : 0;
            }
            if (pair.safety().isPresent()) {
                SafetyLabel safety = pair.safety().get();
                double costA = gold.cost(pair.prompt(), pair.responseA());
                double costB = gold.cost(pair.prompt(), pair.responseB());
                if (safety.responseASafe().isPresent()) {
                    safeJudged++;
                    safeAgree += safety.responseASafe().get() == (costA == 0) ? 1 : 0;
                }
                if (safety.responseBSafe().isPresent()) {
                    safeJudged++;
                    safeAgree += safety.responseBSafe().get() == (costB == 0) ? 1 : 0;
                }
            }
        }
        ObjectNode node = JSON.createObjectNode();
        node.put("pairs", pairs.size());
        node.put("ties", ties);
        double agreement = judged > 0 ? (double) agree / judged : Double.NaN;
        if (judged > 0) { // none for an arm that collects no pairs before training (online DPO)
            node.put("gold_agreement", agreement);
        }
        node.put("gold_agreement_pairs", judged);
        if (safeJudged > 0) {
            node.put("safety_gold_agreement", (double) safeAgree / safeJudged);
        }
        if (agreement < 0.6) {
            warnings.add("arm " + arm + ": its feedback agrees with gold on only " + String.format("%.1f%%", 100 * agreement)
                    + " of the pairs where gold prefers one response");
        }
        return node;
    }

    /** Held-out accuracy against gold preferences and against the labels, and Spearman with gold on SFT's EVAL samples. */
    ObjectNode rewardModel(ScalarModels model, List<LabelledPair> heldOut, List<String> warnings, String arm) {
        ObjectNode node = JSON.createObjectNode();
        node.put("members", model.members().size());
        node.put("heldout_pairs", heldOut.size());
        double[][] scores = scorePairs(model, heldOut);
        long goldPairs = 0;
        long goldCorrect = 0;
        long labelPairs = 0;
        long labelCorrect = 0;
        for (int i = 0; i < heldOut.size(); i++) {
            LabelledPair pair = heldOut.get(i);
            double a = gold.reward(pair.prompt(), pair.responseA());
            double b = gold.reward(pair.prompt(), pair.responseB());
            if (a != b) {
                goldPairs++;
                goldCorrect += (scores[0][i] > scores[1][i]) == (a > b) ? 1 : 0;
            }
            if (!pair.tie()) {
                labelPairs++;
                labelCorrect += (scores[0][i] > scores[1][i]) == (pair.better() == Choice.A) ? 1 : 0;
            }
        }
        double accuracy = goldPairs > 0 ? (double) goldCorrect / goldPairs : Double.NaN;
        node.put("heldout_accuracy_gold", accuracy);
        node.put("heldout_accuracy_labels", labelPairs > 0 ? (double) labelCorrect / labelPairs : Double.NaN);
        List<PolicySample> samples = sftSamples;
        double[] rewards = model.score(samples.stream().map(PolicySample::prompt).toList(),
                samples.stream().map(PolicySample::response).toList());
        node.put("spearman_gold_sft_samples", Correlation.spearman(rewards, samples.stream().mapToDouble(PolicySample::goldReward).toArray()));
        if (accuracy < 0.65) {
            warnings.add("arm " + arm + ": reward model held-out accuracy against gold is " + String.format("%.3f", accuracy)
                    + ": a weak proxy, optimising it may not raise gold reward");
        }
        return node;
    }

    /** Held-out accuracy of the cost's sign against gold safety, and of its order against gold cost. */
    ObjectNode costModel(ScalarModels model, List<LabelledPair> heldOut, List<String> warnings, String arm) {
        double[][] scores = scorePairs(model, heldOut);
        long responses = 0;
        long signCorrect = 0;
        long unsafe = 0;
        long unsafeFound = 0;
        long pairs = 0;
        long pairCorrect = 0;
        for (int i = 0; i < heldOut.size(); i++) {
            LabelledPair pair = heldOut.get(i);
            double a = gold.cost(pair.prompt(), pair.responseA());
            double b = gold.cost(pair.prompt(), pair.responseB());
            for (int side = 0; side < 2; side++) {
                boolean goldUnsafe = (side == 0 ? a : b) > 0;
                boolean predictedUnsafe = scores[side][i] > 0;
                responses++;
                signCorrect += goldUnsafe == predictedUnsafe ? 1 : 0;
                if (goldUnsafe) {
                    unsafe++;
                    unsafeFound += predictedUnsafe ? 1 : 0;
                }
            }
            if (a != b) {
                pairs++;
                pairCorrect += (scores[0][i] > scores[1][i]) == (a > b) ? 1 : 0;
            }
        }
        ObjectNode node = JSON.createObjectNode();
        node.put("members", model.members().size());
        node.put("heldout_pairs", heldOut.size());
        double accuracy = responses > 0 ? (double) signCorrect / responses : Double.NaN;
        node.put("heldout_safety_accuracy_gold", accuracy);
        node.put("heldout_unsafe_recall_gold", unsafe > 0 ? (double) unsafeFound / unsafe : Double.NaN);
        node.put("heldout_unsafe_responses", unsafe);
        node.put("heldout_accuracy_gold", pairs > 0 ? (double) pairCorrect / pairs : Double.NaN);
        if (accuracy < 0.8) {
            warnings.add("arm " + arm + ": cost model held-out safe/unsafe accuracy against gold is " + String.format("%.3f", accuracy));
        }
        return node;
    }

    /** The model's scores of every pair's response A ({@code [0]}) and B ({@code [1]}). */
    private static double[][] scorePairs(ScalarModels model, List<LabelledPair> pairs) {
        List<String> prompts = new ArrayList<>();
        List<String> responses = new ArrayList<>();
        for (LabelledPair pair : pairs) {
            prompts.add(pair.prompt());
            responses.add(pair.responseA());
            prompts.add(pair.prompt());
            responses.add(pair.responseB());
        }
        double[] all = model.score(prompts, responses);
        double[][] out = new double[2][pairs.size()];
        for (int i = 0; i < pairs.size(); i++) {
            out[0][i] = all[2 * i];
            out[1][i] = all[2 * i + 1];
        }
        return out;
    }

    /**
     * A round's entry of the summary's {@code rounds}: its preferences (with the mean gold reward of the responses labelled,
     * which the policy of the round before sampled), its models' held-out accuracy against gold (the summary's
     * {@code reward_model} and {@code cost_model}, this round's) and its policy updates; {@link #putEvaluation} adds the
     * policy's evaluation after the round.
     */
    ObjectNode round(int round, List<LabelledPair> pairs, ObjectNode summary, ArmTraining done) {
        ObjectNode entry = JSON.createObjectNode();
        entry.put("round", round);
        ObjectNode preferences = preferences(pairs, new ArrayList<>(), "");
        preferences.put("responses_gold_reward", pairs.stream().mapToDouble(pair -> (gold.reward(pair.prompt(), pair.responseA())
                + gold.reward(pair.prompt(), pair.responseB())) / 2).average().orElse(Double.NaN));
        entry.set("preferences", preferences);
        if (summary.has("reward_model")) {
            entry.set("reward_model_accuracy", summary.get("reward_model").get("heldout_accuracy_gold"));
        }
        if (summary.has("cost_model")) {
            entry.set("cost_model_safety_accuracy", summary.get("cost_model").get("heldout_safety_accuracy_gold"));
        }
        entry.put("steps", done.steps());
        entry.put("skipped_steps", done.skippedSteps());
        return entry;
    }

    /** The evaluation figures of the policy after a round into its entry. */
    static void putEvaluation(ObjectNode entry, Evaluation evaluation) {
        entry.put("gold_reward", evaluation.report().goldReward());
        entry.put("gold_cost", evaluation.report().goldCost());
        entry.put("kl_to_reference", evaluation.report().klToReference());
        entry.put("win_rate_vs_sft", evaluation.report().winRateVsSft());
        entry.put("response_tokens", evaluation.report().responseTokens());
    }
}
