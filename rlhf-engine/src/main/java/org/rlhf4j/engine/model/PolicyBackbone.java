package org.rlhf4j.engine.model;

import static java.util.Objects.requireNonNull;

import org.rlhf4j.engine.tokenizer.SequenceEncoder;

/**
 * What the engine lends a plugin that trains a network on the policy's backbone (the RLGAF discriminator of
 * {@code rlhf-feedback-gan}), through {@link org.rlhf4j.api.plugin.PluginContext#service}: offered to the feedback
 * sources of a task experiment's arms once the SFT policy exists (never while the config is checked).
 *
 * @param sft the SFT policy: read it (copy it, e.g. with {@link TransformerWeights#withHeads}), never modify it
 * @param encoder encodes a prompt and a response as the engine's models read them
 * @param workers data-parallel shards (and threads) of a training step
 */
public record PolicyBackbone(TransformerWeights sft, SequenceEncoder encoder, int workers) {
    public PolicyBackbone {
        requireNonNull(sft, "sft is null");
        requireNonNull(encoder, "encoder is null");
        if (workers < 1) {
            throw new IllegalArgumentException("workers must be >= 1, got " + workers);
        }
    }
}
