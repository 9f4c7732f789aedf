/**
 * Hugging Face checkpoints in and out: a safetensors reader ({@link org.rlhf4j.engine.hf.SafetensorsFile}: the header
 * validated against the file before any tensor is read, each tensor memory-mapped on its own) and writer, sharded
 * checkpoints ({@link org.rlhf4j.engine.hf.SafetensorsCheckpoint}), GPT-2's {@code config.json}
 * ({@link org.rlhf4j.engine.hf.Gpt2Config}) and the mapping between its tensor names and the engine's
 * ({@link org.rlhf4j.engine.hf.Gpt2Checkpoint}: import as a policy or a scalar model's backbone, export as
 * {@code GPT2LMHeadModel} or {@code GPT2ForSequenceClassification} with one label). A malformed or hostile file is bad
 * input ({@link org.rlhf4j.engine.hf.CheckpointFormatException}, naming the file and the tensor), never a crash.
 */
package org.rlhf4j.engine.hf;
