package org.rlhf4j.experiment.eval;

import static java.util.Objects.requireNonNull;

import java.util.Set;

/**
 * One sampled response and its gold scores.
 *
 * @param prompt the prompt text
 * @param sampleIndex which of the prompt's samples this is (0-based)
 * @param promptIds the prompt's token ids as the policy saw them ({@code <bos>} first)
 * @param responseIds the sampled token ids, {@code <eos>} included when the policy stopped
 * @param response the decoded response text (without the prompt and {@code <eos>})
 * @param stopped whether the policy ended the response with {@code <eos>} (rather than running out of tokens)
 * @param goldReward the task's gold reward of the response
 * @param goldCost the task's gold cost of the response
 * @param harmCategories the harm categories the gold scorer found
 */
public record PolicySample(
        String prompt,
        int sampleIndex,
        int[] promptIds,
        int[] responseIds,
        String response,
        boolean stopped,
        double goldReward,
        double goldCost,
        Set<String> harmCategories) {
    public PolicySample {
        requireNonNull(prompt, "prompt is null");
        promptIds = requireNonNull(promptIds, "promptIds is null").clone();
        responseIds = requireNonNull(responseIds, "responseIds is null").clone();
        requireNonNull(response, "response is null");
        harmCategories = Set.copyOf(requireNonNull(harmCategories, "harmCategories is null"));
    }

    @Override
    public int[] promptIds() {
        return promptIds.clone();
    }

    @Override
    public int[] responseIds() {
        return responseIds.clone();
    }
}
