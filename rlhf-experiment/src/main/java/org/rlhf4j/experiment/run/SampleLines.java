package org.rlhf4j.experiment.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import org.rlhf4j.experiment.eval.PolicySample;

/** The {@code samples.jsonl} lines of a policy's evaluation samples. */
public final class SampleLines {
    private static final ObjectMapper JSON = new ObjectMapper();

    private SampleLines() {}

    /** One line per sample: {@code arm, prompt, sample_index, response, gold_reward, gold_cost, harm_categories, response_tokens, stopped}. */
    public static List<ObjectNode> of(String arm, List<PolicySample> samples) {
        List<ObjectNode> lines = new ArrayList<>(samples.size());
        for (PolicySample sample : samples) {
            ObjectNode line = JSON.createObjectNode();
            line.put("arm", arm);
            line.put("prompt", sample.prompt());
            line.put("sample_index", sample.sampleIndex());
            line.put("response", sample.response());
            line.put("gold_reward", sample.goldReward());
            line.put("gold_cost", sample.goldCost());
            line.putPOJO("harm_categories", sample.harmCategories().stream().sorted().toList());
            line.put("response_tokens", sample.responseIds().length);
            line.put("stopped", sample.stopped());
            lines.add(line);
        }
        return lines;
    }
}
