package org.rlhf4j.experiment.arm;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Optional;
import org.rlhf4j.algorithms.preference.LabelledPair;
import org.rlhf4j.algorithms.reward.ScalarModels;
import org.rlhf4j.experiment.eval.PolicySample;

/**
 * What an arm produced.
 *
 * @param summary the arm's entry of {@code summary.json}
 * @param samples its evaluation samples (empty for an arm without an algorithm: its policy is SFT's)
 * @param trainPreferences its training pairs (for arms that reuse them)
 * @param heldOutPreferences its held-out pairs
 * @param warnings what the arm warns about
 * @param models its reward and cost models (for arms that reuse them); they live until the run ends ({@link #closeModels})
 */
public record ArmOutcome(ObjectNode summary, List<PolicySample> samples, List<LabelledPair> trainPreferences,
        List<LabelledPair> heldOutPreferences, List<String> warnings, ArmModels models) {
    public ArmOutcome {
        requireNonNull(summary, "summary is null");
        samples = List.copyOf(samples);
        trainPreferences = List.copyOf(trainPreferences);
        heldOutPreferences = List.copyOf(heldOutPreferences);
        warnings = List.copyOf(warnings);
        requireNonNull(models, "models is null");
    }

    /** Its reward model, when it has one. */
    public Optional<ScalarModels> rewardModel() {
        return models.reward();
    }

    /** Its cost model, when it has one. */
    public Optional<ScalarModels> costModel() {
        return models.cost();
    }

    /** Ends the scoring passes of its models (at the end of the run: later arms may reuse them). */
    public void closeModels() {
        models.close();
    }
}
