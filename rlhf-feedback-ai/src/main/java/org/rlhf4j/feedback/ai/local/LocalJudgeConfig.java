package org.rlhf4j.feedback.ai.local;

import java.util.List;
import org.rlhf4j.api.config.ConfigValues;
import org.rlhf4j.feedback.ai.constitution.Principle;

/**
 * Settings of {@code local-judge}, the offline judge on a pretrained sentence-embedding model.
 *
 * @param constitution the principles, inline (default: {@code constitution_file}, else the built-in constitution)
 * @param constitutionFile a YAML or JSON file with {@code principles: [...]}, relative to the config's directory
 * @param harmlessness judge harmlessness too (costs and safety labels) with the constitution's harmlessness
 *     principles (default false)
 * @param includePrompt embed the prompt and the response together, as one text (default true: the response is a
 *     continuation of the prompt in the built-in tasks); false embeds the response alone
 * @param tieMargin score margins at most this are ties (default 0)
 * @param confidenceScale a verdict's confidence is {@code sigmoid(confidence_scale * |margin|)} (default 20: the
 *     model's cosine margins are small, 0.1 is a clear preference, confidence 0.88)
 * @param harmThreshold a response is unsafe when its harmlessness score is below this; its cost is the shortfall
 *     (default 0: closer to what the harmlessness principles forbid than to what they ask)
 * @param cache a judgement cache file (JSON Lines), relative to the config's directory; none by default
 * @param humanLabels a JSON Lines file of human labels to measure the judge's agreement with (see
 *     {@link org.rlhf4j.feedback.ai.judge.HumanAgreement}), relative to the config's directory; none by default
 * @param threads ONNX Runtime threads per text (default 1, like the engine's threads per operation: the judge shares
 *     the CPU with the policy; its threads never spin waiting for work)
 */
public record LocalJudgeConfig(
        List<Principle> constitution,
        String constitutionFile,
        Boolean harmlessness,
        Boolean includePrompt,
        Double tieMargin,
        Double confidenceScale,
        Double harmThreshold,
        String cache,
        String humanLabels,
        Integer threads) {
    public LocalJudgeConfig {
        constitution = constitution == null ? null : List.copyOf(constitution);
        harmlessness = harmlessness != null && harmlessness;
        includePrompt = includePrompt == null || includePrompt;
        tieMargin = ConfigValues.within("tie_margin", tieMargin, 0.0, 0.0, 2.0);
        confidenceScale = ConfigValues.within("confidence_scale", confidenceScale, 20.0, 0.0, 1e6);
        harmThreshold = ConfigValues.within("harm_threshold", harmThreshold, 0.0, -2.0, 2.0);
        threads = ConfigValues.atLeast("threads", threads, 1, 1);
        if (cache != null && cache.isBlank()) {
            throw new IllegalArgumentException("cache must be a file path, got an empty string");
        }
    }
}
